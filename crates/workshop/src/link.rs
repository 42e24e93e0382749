//! Share links: the compact state, deflated, base64url, behind a version prefix, in the URL
//! fragment. Decoding is bounded: link length, decompressed size, then the state's own limits.

use crate::state::{StateError, WorkshopState};

/// The prefix of version-1 links: `#s1.` followed by the payload.
pub const PREFIX_V1: &str = "s1.";
/// Links longer than this are refused before any work.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// A link may inflate to at most this many bytes (a guard against decompression bombs).
pub const MAX_DECOMPRESSED_BYTES: usize = 512 * 1024;

/// The fragment (without `#`) that holds this state.
pub fn encode(state: &WorkshopState) -> String {
    let json = state.to_compact_json();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{PREFIX_V1}{}", apigw_vtl::util::base64url_encode(&packed))
}

/// Reads a fragment (with or without `#`). Every failure is a clear message, never a panic.
pub fn decode(fragment: &str) -> Result<WorkshopState, StateError> {
    let f = fragment.trim_start_matches('#');
    if f.len() > MAX_LINK_CHARS {
        return Err(StateError(format!(
            "the link is longer than {MAX_LINK_CHARS} characters"
        )));
    }
    let Some(payload) = f.strip_prefix(PREFIX_V1) else {
        return Err(StateError(
            "this is not a workshop link (it should start with #s1.)".into(),
        ));
    };
    let bytes = apigw_vtl::util::base64_decode(payload).ok_or_else(|| {
        StateError("the link is damaged: it has characters a link cannot have".into())
    })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_DECOMPRESSED_BYTES)
        .map_err(|e| {
        if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
            StateError(format!(
                "the link unpacks to more than {MAX_DECOMPRESSED_BYTES} bytes"
            ))
        } else {
            StateError("the link is damaged or cut short: it does not unpack".into())
        }
    })?;
    let text = String::from_utf8(json)
        .map_err(|_| StateError("the link is damaged: it is not text".into()))?;
    WorkshopState::from_compact_json(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::PartnerState;

    #[test]
    fn round_trip_and_golden_v1() {
        let s = WorkshopState {
            partner: PartnerState::Deleted,
            mapping_template: "#set($x = 1)$x".into(),
            ..Default::default()
        };
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        // A link made by version 1; it must keep opening as the code changes.
        let golden = encode(&WorkshopState::default());
        assert_eq!(golden, GOLDEN_DEFAULT_V1);
        assert_eq!(decode(GOLDEN_DEFAULT_V1).unwrap(), WorkshopState::default());
    }

    /// `{"version":1}` deflated at level 9.
    const GOLDEN_DEFAULT_V1: &str = "s1.q1YqSy0qzszPU7IyrAUA";

    /// Property: any state built from random edits survives the link round trip.
    #[test]
    fn random_states_round_trip() {
        let mut seed = 0x1234_5678_u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        let texts = [
            "",
            "x",
            "{\"a\": 1}",
            "Jane's \"quote\" \\ ✓ 😀",
            "#set($x = 1)$x",
            "<script>alert(1)</script>",
        ];
        for _ in 0..200 {
            let mut s = WorkshopState::default();
            for _ in 0..(next() % 6) {
                let t = texts[(next() % texts.len() as u64) as usize].to_string();
                match next() % 8 {
                    0 => s.mapping_template = t,
                    1 => s.order_detail = t,
                    2 => s.custom.event = t,
                    3 => {
                        s.partner = [
                            PartnerState::Pending,
                            PartnerState::Active,
                            PartnerState::Deleted,
                        ][(next() % 3) as usize]
                    }
                    4 => {
                        // As the app edits it: a managed rule refuses the change.
                        let i = (next() as usize) % s.rules.len();
                        let _ = s.set_pattern(i, t);
                    }
                    5 => {
                        s.rules.pop();
                    }
                    6 => s.discovery.clear(),
                    _ => s.grants.pop().map(|_| ()).unwrap_or(()),
                }
            }
            assert_eq!(decode(&encode(&s)).unwrap(), s);
        }
    }

    #[test]
    fn bad_links_are_clear_errors() {
        assert!(decode("#x").unwrap_err().0.contains("not a workshop link"));
        assert!(decode("#s1.***").unwrap_err().0.contains("damaged"));
        assert!(decode("#s1.q1YqSy0q").unwrap_err().0.contains("cut short"));
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 4 * 1024 * 1024], 9);
        assert!(
            decode(&format!("s1.{}", apigw_vtl::util::base64url_encode(&bomb)))
                .unwrap_err()
                .0
                .contains("unpacks to more than")
        );
        assert!(decode(&"s1.A".repeat(MAX_LINK_CHARS))
            .unwrap_err()
            .0
            .contains("longer than"));
    }
}
