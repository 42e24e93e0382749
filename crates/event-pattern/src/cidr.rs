//! The `cidr` operator: IPv4 and IPv6 ranges, with Ruler's error messages.

use std::net::IpAddr;

/// An address range such as `10.0.0.0/24`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr {
    base: u128,
    mask_bits: u32,
    v6: bool,
}

impl Cidr {
    /// Parses `address/bits`. Errors carry Ruler's text (AWS prints no location for them).
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let mut parts = text.split('/');
        let (addr, mask) = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(m), None) => (a, m),
            _ => return Err("Malformed CIDR, one '/' required".to_string()),
        };
        let bits: i64 = mask
            .parse()
            .map_err(|_| "Malformed CIDR, mask bits must be an integer".to_string())?;
        if bits < 0 {
            return Err("Malformed CIDR, mask bits must not be negative".to_string());
        }
        // Ruler's `ipToBytes`: text that does not look like an address is "nonstandard", text
        // that does but is none is "invalid".
        if !looks_like_ip(addr) {
            return Err(format!("Nonstandard IP address: {addr}"));
        }
        let (value, v6) =
            read_literal(addr).ok_or_else(|| format!("Invalid IP address: {addr}"))?;
        let width = width(v6);
        if !v6 && bits > 31 {
            return Err("IPv4 mask bits must be < 32".to_string());
        }
        if v6 && bits > 127 {
            return Err("IPv6 mask bits must be < 128".to_string());
        }
        let bits = bits as u32;
        let base = value & prefix_mask(bits, width);
        Ok(Cidr {
            base,
            mask_bits: bits,
            v6,
        })
    }

    /// An exact pattern string that is an IP address literal, as Ruler's
    /// `CIDR.ipToRangeIfPossible` turns it into a range of that one address: it then matches any
    /// spelling of the address (`2001:DB8::1` matches `2001:0db8:0:0:0:0:0:1`). `None` for any
    /// other string, invalid literals (`10.0.0.256`) included: those stay exact strings.
    pub fn address(text: &str) -> Option<Cidr> {
        let (base, v6) = parse_address(text)?;
        Some(Cidr {
            base,
            mask_bits: width(v6),
            v6,
        })
    }

    /// Is this one address (from an exact pattern string: [`Cidr::address`])? `cidr` itself
    /// refuses `/32` and `/128`, as Ruler does.
    pub fn is_address(&self) -> bool {
        self.mask_bits == width(self.v6)
    }

    /// True when `value` is an IP literal of the same family inside the range.
    pub fn contains(&self, value: &str) -> bool {
        match parse_address(value) {
            Some((v, v6)) => v6 == self.v6 && masked(v, v6, self.mask_bits) == self.base,
            None => false,
        }
    }

    /// What Ruler makes of a number's text at a field with an IP test and no numeric test: it
    /// leaves the text as written (it is no address) and walks it, byte by byte, through the
    /// block's range of hexadecimal digits (`ByteMachine.doTransitionOn`: a `cidr` range matches
    /// any value not read as a number), where a match is decided as soon as the bytes read lie
    /// inside the range. So `{"cidr": "0.0.0.0/0"}` (`00000000` to `FFFFFFFF`) matches the
    /// number `5`, whose first byte lies strictly between `0` and `F`; `10.0.0.0/8`
    /// (`0A000000` to `0AFFFFFF`) matches no number, which never starts `0A`.
    pub fn matches_number_text(&self, text: &str) -> bool {
        let (bottom, top, open_bottom, open_top) = self.hex_range();
        in_hex_range(&bottom, &top, open_bottom, open_top, text.as_bytes())
    }

    /// Ruler's range for the block: the hexadecimal digits of its lowest and highest address,
    /// both included (`CIDR.cidr`); for one address ([`Cidr::address`]), `ipToRangeIfPossible`'s
    /// range from it to the next digit up, open above (or from the digit below, open below, when
    /// its last digit is `F`).
    fn hex_range(&self) -> (Vec<u8>, Vec<u8>, bool, bool) {
        let digits = if self.v6 { 32 } else { 8 };
        let hex = |v: u128| format!("{v:0digits$X}").into_bytes();
        let last = digits - 1;
        if self.is_address() {
            let (mut bottom, mut top) = (hex(self.base), hex(self.base));
            if top[last] == b'F' {
                bottom[last] = b'E';
                return (bottom, top, true, false);
            }
            top[last] = if top[last] == b'9' {
                b'A'
            } else {
                top[last] + 1
            };
            return (bottom, top, false, true);
        }
        let w = width(self.v6);
        let host = prefix_mask(w, w) & !prefix_mask(self.mask_bits, w);
        (hex(self.base), hex(self.base | host), false, false)
    }

    /// The block [`Cidr::block`] describes.
    pub(crate) fn from_block(v6: bool, mask_bits: u32, base: u128) -> Cidr {
        Cidr {
            base,
            mask_bits,
            v6,
        }
    }

    /// The block as (IPv6?, mask bits, base address): an address `a` is inside when
    /// `masked(a, v6, bits) == base`. The compiled matcher indexes blocks by it.
    pub fn block(&self) -> (bool, u32, u128) {
        (self.v6, self.mask_bits, self.base)
    }
}

/// An event value as an address and whether it is IPv6; `None` when it is no IP address
/// literal as Ruler reads one (its `ipToString`: its two patterns, then Java's reading).
pub fn parse_address(value: &str) -> Option<(u128, bool)> {
    if let Some(a) = dotted_quad(value.as_bytes()) {
        return Some((a as u128, false));
    }
    if !looks_like_ip(value) {
        return None;
    }
    read_literal(value)
}

/// Ruler's `isIPv4OrIPv6`: the whole text matches `[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+` or
/// `[0-9a-fA-F:]*:[0-9a-fA-F:]*` (so `::ffff:10.0.0.1`, with its dots, is no address to it).
fn looks_like_ip(text: &str) -> bool {
    let b = text.as_bytes();
    let v4 = {
        let mut parts = 0;
        let all_digits = text.split('.').all(|p| {
            parts += 1;
            !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())
        });
        all_digits && parts == 4
    };
    let v6 = b.contains(&b':') && b.iter().all(|c| c.is_ascii_hexdigit() || *c == b':');
    v4 || v6
}

/// A literal [`looks_like_ip`] lets through, read as Java's `InetAddress.getByName` reads it
/// (the standard parser; both refuse leading zeros in IPv4 octets), except that an IPv4-mapped
/// IPv6 address (`::ffff:a00:1`) is the IPv4 address, as Java returns an `Inet4Address` for it.
fn read_literal(text: &str) -> Option<(u128, bool)> {
    match text.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => Some((u32::from(a) as u128, false)),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => Some((u32::from(v4) as u128, false)),
            None => Some((u128::from(a), true)),
        },
    }
}

/// The usual IPv4 address (`10.1.2.3`: four octets of one to three digits, at most 255, no
/// leading zero), read directly; anything else (IPv6, or text the standard parser rejects) is
/// `None` and left to the standard parser, which is the definition.
fn dotted_quad(b: &[u8]) -> Option<u32> {
    let mut addr = 0u32;
    let mut i = 0;
    for octet in 0..4 {
        if octet > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v = 0u32;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            if i - start == 3 {
                return None;
            }
            v = v * 10 + (d - b'0') as u32;
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || v > 255 || (digits > 1 && b[start] == b'0') {
            return None;
        }
        addr = addr << 8 | v;
    }
    (i == b.len()).then_some(addr)
}

/// The rank of an upper-case hexadecimal digit (the only bytes Ruler's ranges have transitions
/// on).
fn hex_rank(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Whether Ruler's byte machine matches `value` against the range `bottom`..`top` (digits of
/// one length; an open end excludes itself): the digits both ends share must come first; then a
/// digit strictly between the ends matches at once; a digit equal to one end goes on along that
/// end, where a digit beyond it (above the bottom, below the top) matches at once, and the last
/// digit matches when it is beyond, or equal and that end is closed. Bytes after a match are not
/// read; a byte that is no digit, or the value ending, before a match means no match.
fn in_hex_range(
    bottom: &[u8],
    top: &[u8],
    open_bottom: bool,
    open_top: bool,
    value: &[u8],
) -> bool {
    let len = bottom.len().min(top.len());
    let Some(fork) = (0..len).find(|&i| bottom[i] != top[i]) else {
        return false;
    };
    if value.get(..fork) != Some(&bottom[..fork]) {
        return false;
    }
    let rank = |i: usize| value.get(i).copied().and_then(hex_rank);
    let (Some(c), Some(b), Some(t)) = (rank(fork), hex_rank(bottom[fork]), hex_rank(top[fork]))
    else {
        return false;
    };
    if b < c && c < t {
        return true;
    }
    if fork == len - 1 {
        return (c == b && !open_bottom) || (c == t && !open_top);
    }
    // Along one end: `beyond` says whether a digit lies past that end, toward the inside.
    let along = |end: &[u8], open: bool, beyond: &dyn Fn(u8, u8) -> bool| {
        for (i, &digit) in end.iter().enumerate().take(len).skip(fork + 1) {
            let (Some(c), Some(e)) = (rank(i), hex_rank(digit)) else {
                return false;
            };
            if i == len - 1 {
                return beyond(c, e) || (c == e && !open);
            }
            if beyond(c, e) {
                return true;
            }
            if c != e {
                return false;
            }
        }
        false
    };
    if c == b {
        return along(bottom, open_bottom, &|c, e| c > e);
    }
    if c == t {
        return along(top, open_top, &|c, e| c < e);
    }
    false
}

/// The address with its host bits cleared, keeping `bits` network bits.
pub fn masked(addr: u128, v6: bool, bits: u32) -> u128 {
    addr & prefix_mask(bits, width(v6))
}

/// The bits of an address of the family.
fn width(v6: bool) -> u32 {
    if v6 {
        128
    } else {
        32
    }
}

fn prefix_mask(bits: u32, width: u32) -> u128 {
    if bits == 0 {
        return 0;
    }
    let all: u128 = if width == 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    let host = width - bits.min(width);
    all & !((1u128 << host) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ranges() {
        let c = Cidr::parse("10.0.0.0/24").unwrap();
        assert!(c.contains("10.0.0.255"));
        assert!(!c.contains("10.0.1.0"));
        assert!(!c.contains("10.0.0.256"));
        let v6 = Cidr::parse("2001:db8:1234:1a00::/64").unwrap();
        assert!(v6.contains("2001:0db8:1234:1a00:0000:0000:0000:0000"));
        assert!(!v6.contains("2001:db8:1234:1a01::"));
    }

    /// A number's text against a block's range of hexadecimal digits, as Ruler's byte machine
    /// walks it (checked against ranges written out by hand).
    #[test]
    fn numbers_walk_the_range_of_hexadecimal_digits() {
        // 0.0.0.0/0 is 00000000..FFFFFFFF: a first digit 1..E matches at once. 10.0.0.0/8 is
        // 0A000000..0AFFFFFF: every number starts with a digit, never with 0A. 128.0.0.0/1 is
        // 80000000..FFFFFFFF: a first digit 9..E matches at once; 8 goes on along the bottom,
        // where any next digit above 0 matches, and the last digit may equal the bottom's.
        for (block, text, want) in [
            ("0.0.0.0/0", "5", true),
            ("0.0.0.0/0", "1", true),
            ("0.0.0.0/0", "15.5", true),
            ("0.0.0.0/0", "0", false),
            ("0.0.0.0/0", "0.5", false),
            ("0.0.0.0/0", "-5", false),
            ("0.0.0.0/0", "1e5", true),
            ("10.0.0.0/8", "10", false),
            ("10.0.0.0/8", "0", false),
            ("128.0.0.0/1", "9", true),
            ("128.0.0.0/1", "8", false),
            ("128.0.0.0/1", "81", true),
            ("128.0.0.0/1", "80", false),
            ("128.0.0.0/1", "800000001", true),
            ("128.0.0.0/1", "7", false),
        ] {
            let c = Cidr::parse(block).unwrap();
            assert_eq!(c.matches_number_text(text), want, "{block} {text}");
        }
        // One address: 18.52.86.120 is 12345678, its range 12345678 up to 12345679, open above.
        let one = Cidr::address("18.52.86.120").unwrap();
        assert!(one.matches_number_text("12345678"));
        assert!(!one.matches_number_text("12345679"));
        assert!(!one.matches_number_text("1234567"));
        assert_eq!(
            one.hex_range(),
            (b"12345678".to_vec(), b"12345679".to_vec(), false, true)
        );
        let f = Cidr::address("0.0.0.15").unwrap();
        assert_eq!(
            f.hex_range(),
            (b"0000000E".to_vec(), b"0000000F".to_vec(), true, false)
        );
        assert_eq!(
            Cidr::parse("10.0.0.0/24").unwrap().hex_range(),
            (b"0A000000".to_vec(), b"0A0000FF".to_vec(), false, false)
        );
    }

    /// Ruler's reading of address literals: its two patterns decide what is an address at
    /// all, Java's parser the rest, and IPv4-mapped IPv6 addresses are IPv4 ones.
    #[test]
    fn addresses_are_read_as_ruler_reads_them() {
        for (text, want) in [
            ("10.0.0.1", Some((0x0a00_0001, false))),
            ("::ffff:a00:1", Some((0x0a00_0001, false))),
            ("::FFFF:0A00:0001", Some((0x0a00_0001, false))),
            ("::ffff:10.0.0.1", None),
            ("::1.2.3.4", None),
            (
                "2001:DB8::1",
                Some((0x2001_0db8_0000_0000_0000_0000_0000_0001, true)),
            ),
            (
                "2001:0db8:0:0:0:0:0:1",
                Some((0x2001_0db8_0000_0000_0000_0000_0000_0001, true)),
            ),
            ("::", Some((0, true))),
            ("10.0.0.01", None),
            ("10.0.0.256", None),
            ("1.2.3", None),
            ("fe80::1%eth0", None),
            (" 10.0.0.1", None),
            ("abc", None),
        ] {
            assert_eq!(parse_address(text), want, "{text:?}");
        }
        for (text, nonstandard) in [
            ("10.0.0.256", false),
            ("1:2:3:4:5:6:7:8:9", false),
            (":", false),
            ("010.0.0.1", false),
            ("xx.11.xx", true),
            ("::ffff:10.0.0.1", true),
            ("10.0.0", true),
        ] {
            let want = if nonstandard {
                format!("Nonstandard IP address: {text}")
            } else {
                format!("Invalid IP address: {text}")
            };
            assert_eq!(Cidr::parse(&format!("{text}/8")), Err(want), "{text:?}");
        }
        // An IPv4-mapped block is an IPv4 one, whose mask then cannot be 96.
        assert_eq!(
            Cidr::parse("::ffff:0:0/96"),
            Err("IPv4 mask bits must be < 32".to_string())
        );
        let exact = Cidr::address("2001:DB8::1").unwrap();
        assert!(exact.is_address() && exact.contains("2001:db8:0::1"));
        assert!(!exact.contains("2001:db8::2") && !exact.contains("::ffff:a00:1"));
        assert!(Cidr::address("10.0.0.256").is_none() && Cidr::address("x").is_none());
        assert!(!Cidr::parse("10.0.0.0/8").unwrap().is_address());
    }

    #[test]
    fn errors() {
        assert_eq!(
            Cidr::parse("bad-filter").unwrap_err(),
            "Malformed CIDR, one '/' required"
        );
        assert_eq!(
            Cidr::parse("bad-/64filter").unwrap_err(),
            "Malformed CIDR, mask bits must be an integer"
        );
        assert_eq!(
            Cidr::parse("xx.11.xx/8").unwrap_err(),
            "Nonstandard IP address: xx.11.xx"
        );
        assert_eq!(
            Cidr::parse("10.0.0.0/32").unwrap_err(),
            "IPv4 mask bits must be < 32"
        );
        assert_eq!(
            Cidr::parse("::/128").unwrap_err(),
            "IPv6 mask bits must be < 128"
        );
        assert_eq!(
            Cidr::parse("10.0.0.0/-1").unwrap_err(),
            "Malformed CIDR, mask bits must not be negative"
        );
    }

    /// The direct IPv4 reading answers only where the standard parser agrees, and answers for
    /// every address written the usual way.
    #[test]
    fn dotted_quads_read_as_the_standard_parser_reads_them() {
        use std::net::Ipv4Addr;
        let parts = [
            "0", "1", "9", "10", "25", "255", "256", "01", "00", "999", "1000", "", ".", "a", "-1",
            "+1", " ", ":",
        ];
        let mut r = crate::test_rng::Rng(0xd1b5_4a32_d192_ed03u64);
        let mut next = |n: usize| r.below(n);
        let mut read = 0;
        for _ in 0..50_000 {
            // Mostly four octets joined by dots, mostly valid ones; sometimes anything.
            let n = if next(4) != 0 { 4 } else { 1 + next(7) };
            let text: String = (0..n)
                .map(|k| {
                    let sep = if k > 0 && next(8) != 0 { "." } else { "" };
                    let part = if next(4) != 0 {
                        parts[next(6)]
                    } else {
                        parts[next(parts.len())]
                    };
                    format!("{sep}{part}")
                })
                .collect();
            let std = text.parse::<Ipv4Addr>().ok().map(u32::from);
            let ours = dotted_quad(text.as_bytes());
            if ours.is_some() {
                read += 1;
                assert_eq!(ours, std, "{text:?}");
            }
            // Written the usual way (as the standard library prints it): always read directly.
            if let Some(a) = std {
                if Ipv4Addr::from(a).to_string() == text {
                    assert_eq!(ours, Some(a), "{text:?}");
                }
            }
            assert_eq!(
                parse_address(&text).filter(|a| !a.1).map(|a| a.0 as u32),
                std,
                "{text:?}"
            );
        }
        assert!(read > 500, "{read}");
        for text in ["10.1.2.3", "0.0.0.0", "255.255.255.255", "192.168.0.1"] {
            assert_eq!(
                dotted_quad(text.as_bytes()),
                text.parse::<Ipv4Addr>().ok().map(u32::from)
            );
        }
    }
}
