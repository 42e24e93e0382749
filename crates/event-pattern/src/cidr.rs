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
        let ip: IpAddr = addr
            .parse()
            .map_err(|_| format!("Nonstandard IP address: {addr}"))?;
        let (value, v6, width) = match ip {
            IpAddr::V4(a) => (u32::from(a) as u128, false, 32),
            IpAddr::V6(a) => (u128::from(a), true, 128),
        };
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

    /// True when `value` is an IP literal of the same family inside the range.
    pub fn contains(&self, value: &str) -> bool {
        match parse_address(value) {
            Some((v, v6)) => v6 == self.v6 && masked(v, v6, self.mask_bits) == self.base,
            None => false,
        }
    }

    /// The block as (IPv6?, mask bits, base address): an address `a` is inside when
    /// `masked(a, v6, bits) == base`. The compiled matcher indexes blocks by it.
    pub fn block(&self) -> (bool, u32, u128) {
        (self.v6, self.mask_bits, self.base)
    }
}

/// An event value as an address and whether it is IPv6; `None` when it is no IP address.
pub fn parse_address(value: &str) -> Option<(u128, bool)> {
    if let Some(a) = dotted_quad(value.as_bytes()) {
        return Some((a as u128, false));
    }
    match value.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => Some((u32::from(a) as u128, false)),
        IpAddr::V6(a) => Some((u128::from(a), true)),
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

/// The address with its host bits cleared, keeping `bits` network bits.
pub fn masked(addr: u128, v6: bool, bits: u32) -> u128 {
    addr & prefix_mask(bits, if v6 { 128 } else { 32 })
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
