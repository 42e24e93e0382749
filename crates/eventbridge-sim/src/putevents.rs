//! PutEvents: the request as it arrives on the wire, its validation with AWS's exact codes and
//! messages, and the envelope EventBridge builds for each accepted entry.

use event_pattern::{Json, JsonValue, MAX_EVENT_DEPTH};
use serde::Serialize;

/// The total entry size limit. The workshop era's (and most docs') 256 KB; the API model now says
/// 1 MB (raised 2026-01-29). We enforce 256 KB for fidelity to the workshop.
pub const MAX_ENTRIES_SIZE: usize = 256 * 1024;
/// The 1 MB figure of the current API model, shown in help texts.
pub const CURRENT_AWS_ENTRIES_SIZE: usize = 1024 * 1024;
/// Entries one PutEvents call may carry.
pub const MAX_ENTRIES: usize = 10;
/// The longest `DetailType`, in characters.
pub const MAX_DETAIL_TYPE_CHARS: usize = 128;

/// The exact 400 body for a request that is not valid JSON.
pub const SERIALIZATION_EXCEPTION_BODY: &str =
    r#"{"__type":"com.amazon.coral.service#SerializationException"}"#;

/// One request entry, as sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PutEventsEntry {
    /// `Source`.
    pub source: Option<String>,
    /// `DetailType`.
    pub detail_type: Option<String>,
    /// `Detail`: a JSON object, as text.
    pub detail: Option<String>,
    /// `Resources`: ARNs.
    pub resources: Vec<String>,
    /// Epoch seconds, when `Time` was given.
    pub time: Option<f64>,
    /// `EventBusName` (name or ARN; the `default` bus when absent).
    pub event_bus_name: Option<String>,
}

/// A request-level failure: the whole call fails with HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestError {
    /// AWS's error code, e.g. `ValidationException`.
    pub code: String,
    /// AWS's message.
    pub message: String,
    /// The exact response body.
    pub body: String,
}

impl RequestError {
    fn validation(message: String) -> Self {
        let body =
            serde_json::json!({"__type": "ValidationException", "message": message}).to_string();
        RequestError {
            code: "ValidationException".into(),
            message,
            body,
        }
    }
}

/// A per-entry failure (the call still answers 200).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryError {
    /// The entry's `ErrorCode`, e.g. `MalformedDetail`.
    pub code: String,
    /// The entry's `ErrorMessage`.
    pub message: String,
}

fn entry_error(code: &str, message: &str) -> EntryError {
    EntryError {
        code: code.into(),
        message: message.into(),
    }
}

/// Parses the awsJson1.1 body of a PutEvents call.
pub fn parse_request(body: &str) -> Result<Vec<PutEventsEntry>, RequestError> {
    let serialization = || RequestError {
        code: "SerializationException".into(),
        message: String::new(),
        body: SERIALIZATION_EXCEPTION_BODY.into(),
    };
    let v: serde_json::Value = serde_json::from_str(body).map_err(|_| serialization())?;
    let entries = v
        .get("Entries")
        .and_then(|e| e.as_array())
        .ok_or_else(serialization)?;
    if entries.is_empty() {
        return Err(RequestError::validation(
            "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1".into(),
        ));
    }
    if entries.len() > MAX_ENTRIES {
        let listed: Vec<String> = (0..entries.len())
            .map(|_| "PutEventsRequestEntry(...)".to_string())
            .collect();
        return Err(RequestError::validation(format!(
            "1 validation error detected: Value '[{}]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to {MAX_ENTRIES}",
            listed.join(", ")
        )));
    }
    let mut out = Vec::new();
    for e in entries {
        let s = |k: &str| -> Result<Option<String>, RequestError> {
            match e.get(k) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(serialization()),
            }
        };
        let resources = match e.get("Resources") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .map(|r| r.as_str().map(String::from).ok_or_else(serialization))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(serialization()),
        };
        out.push(PutEventsEntry {
            source: s("Source")?,
            detail_type: s("DetailType")?,
            detail: s("Detail")?,
            resources,
            time: e.get("Time").and_then(|t| t.as_f64()),
            event_bus_name: s("EventBusName")?,
        });
    }
    let size: usize = out.iter().map(entry_size).sum();
    if size > MAX_ENTRIES_SIZE {
        return Err(RequestError::validation(
            "Total size of the entries in the request is over the limit.".into(),
        ));
    }
    Ok(out)
}

/// The documented entry size: Time (14), Source, DetailType, Detail and Resources in UTF-8 bytes.
pub fn entry_size(e: &PutEventsEntry) -> usize {
    let s = |o: &Option<String>| o.as_ref().map(|s| s.len()).unwrap_or(0);
    (if e.time.is_some() { 14 } else { 0 })
        + s(&e.source)
        + s(&e.detail_type)
        + s(&e.detail)
        + e.resources.iter().map(|r| r.len()).sum::<usize>()
}

/// Checks one entry, in a stable order: Source, DetailType, Detail presence, Detail JSON, then
/// the `aws.` source rule. Returns the parsed detail.
pub fn validate_entry(e: &PutEventsEntry) -> Result<Json, EntryError> {
    if e.source.as_deref().is_none_or(str::is_empty) {
        return Err(entry_error(
            "InvalidArgument",
            "Parameter Source is not valid. Reason: Source is a required argument.",
        ));
    }
    if e.detail_type.as_deref().is_none_or(str::is_empty) {
        return Err(entry_error(
            "InvalidArgument",
            "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
        ));
    }
    let Some(detail) = &e.detail else {
        return Err(entry_error(
            "InvalidArgument",
            "Parameter Detail is not valid. Reason: Detail is a required argument.",
        ));
    };
    // The event around the detail is one level more, and must still parse (docs/SIMULATION.md).
    let parsed = match Json::parse_nested(detail, MAX_EVENT_DEPTH - 1) {
        Ok(j) if matches!(j.value, JsonValue::Object(_)) => j,
        _ => return Err(entry_error("MalformedDetail", "Detail is malformed.")),
    };
    if e.detail_type
        .as_deref()
        .is_some_and(|d| d.chars().count() > MAX_DETAIL_TYPE_CHARS)
    {
        return Err(entry_error(
            "InvalidArgument",
            "Parameter DetailType is not valid. Reason: DetailType must be at most 128 characters.",
        ));
    }
    if e.source.as_deref().is_some_and(|s| s.starts_with("aws.")) {
        return Err(entry_error(
            "NotAuthorizedForSourceException",
            "Not authorized for the source.",
        ));
    }
    Ok(parsed)
}

/// A moment in UTC, broken into its calendar parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// The year.
    pub year: i64,
    /// 1–12.
    pub month: i64,
    /// 1–31.
    pub day: i64,
    /// 0–23.
    pub hour: i64,
    /// 0–59.
    pub minute: i64,
    /// 0–59.
    pub second: i64,
}

impl Civil {
    /// The calendar parts of epoch seconds (UTC).
    pub fn of(epoch_seconds: i64) -> Civil {
        let days = epoch_seconds.div_euclid(86_400);
        let secs = epoch_seconds.rem_euclid(86_400);
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        Civil {
            year: if month <= 2 { y + 1 } else { y },
            month,
            day,
            hour: secs / 3600,
            minute: secs % 3600 / 60,
            second: secs % 60,
        }
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` for epoch seconds (UTC, sub-seconds truncated).
pub fn format_time(epoch_seconds: i64) -> String {
    let c = Civil::of(epoch_seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// The event EventBridge builds for an accepted entry: compact JSON, keys in AWS's order.
pub fn envelope(
    id: &str,
    e: &PutEventsEntry,
    account: &str,
    region: &str,
    time: &str,
    detail: &Json,
) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let resources: Vec<String> = e.resources.iter().map(|r| q(r)).collect();
    format!(
        r#"{{"version":"0","id":{},"detail-type":{},"source":{},"account":{},"time":{},"region":{},"resources":[{}],"detail":{}}}"#,
        q(id),
        q(e.detail_type.as_deref().unwrap_or("")),
        q(e.source.as_deref().unwrap_or("")),
        q(account),
        q(time),
        q(region),
        resources.join(","),
        detail.to_compact()
    )
}

/// Deterministic ids: 128 bits from a seeded splitmix64, laid out 8-4-4-4-12.
#[derive(Debug, Clone)]
pub struct IdGenerator {
    state: u64,
}

impl IdGenerator {
    /// A generator: the same seed gives the same ids.
    pub fn new(seed: u64) -> Self {
        IdGenerator { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next id, shaped like a UUID.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(source: Option<&str>, dt: Option<&str>, detail: Option<&str>) -> PutEventsEntry {
        PutEventsEntry {
            source: source.map(String::from),
            detail_type: dt.map(String::from),
            detail: detail.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn entry_errors_match_aws() {
        let msg = |e: PutEventsEntry| validate_entry(&e).err().map(|e| (e.code, e.message));
        assert_eq!(
            msg(entry(None, Some("d"), Some("{}"))).unwrap().1,
            "Parameter Source is not valid. Reason: Source is a required argument."
        );
        assert_eq!(
            msg(entry(Some("s"), Some(""), Some("{}"))).unwrap().0,
            "InvalidArgument"
        );
        assert_eq!(
            msg(entry(Some("s"), Some("d"), None)).unwrap().1,
            "Parameter Detail is not valid. Reason: Detail is a required argument."
        );
        for bad in ["NotJSON", "{{}", "[]", "\"NotJSON\"", "1"] {
            assert_eq!(
                msg(entry(Some("s"), Some("d"), Some(bad))),
                Some(("MalformedDetail".into(), "Detail is malformed.".into()))
            );
        }
        assert_eq!(
            msg(entry(Some("aws.ec2"), Some("d"), Some("{}")))
                .unwrap()
                .0,
            "NotAuthorizedForSourceException"
        );
        assert!(msg(entry(Some("s"), Some("d"), Some("{}"))).is_none());
    }

    /// A detail may nest 999 levels: the event around it is one more, and events nest at most
    /// `MAX_EVENT_DEPTH` (1000) levels.
    #[test]
    fn a_detail_nests_one_level_less_than_an_event() {
        let detail = |levels: usize| "{\"a\":".repeat(levels) + "1" + &"}".repeat(levels);
        let e = |levels| entry(Some("s"), Some("d"), Some(&detail(levels)));
        let ok = validate_entry(&e(MAX_EVENT_DEPTH - 1)).unwrap();
        let event = envelope("id", &e(0), "1", "r", "t", &ok);
        assert!(Json::parse(&event).is_ok());
        let err = validate_entry(&e(MAX_EVENT_DEPTH)).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            ("MalformedDetail", "Detail is malformed.")
        );
    }

    #[test]
    fn request_errors() {
        assert_eq!(
            parse_request(r#"{"Entries": [{"Detail": "Jane\'s"}]}"#)
                .unwrap_err()
                .body,
            SERIALIZATION_EXCEPTION_BODY
        );
        assert_eq!(SERIALIZATION_EXCEPTION_BODY.len(), 60);
        let eleven = format!("{{\"Entries\": [{}]}}", [r#"{"Source":"s"}"#; 11].join(","));
        assert!(parse_request(&eleven)
            .unwrap_err()
            .message
            .ends_with("Member must have length less than or equal to 10"));
        let big = format!(
            r#"{{"Entries": [{{"Source":"s","DetailType":"d","Detail":"{}"}}]}}"#,
            "x".repeat(MAX_ENTRIES_SIZE)
        );
        assert_eq!(
            parse_request(&big).unwrap_err().message,
            "Total size of the entries in the request is over the limit."
        );
    }

    #[test]
    fn times_and_ids() {
        assert_eq!(format_time(1_590_305_882), "2020-05-24T07:38:02Z");
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
        let mut g = IdGenerator::new(7);
        let a = g.uuid();
        assert_eq!(a.len(), 36);
        assert_eq!(IdGenerator::new(7).uuid(), a);
        assert_ne!(g.uuid(), a);
    }
}
