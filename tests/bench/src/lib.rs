//! Generated workloads for the benchmarks (nothing is downloaded): city-lots style GeoJSON
//! features and EventBridge-like events, with patterns of each operator kind.

/// A tiny deterministic generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// How long one turn of one engine lasts in the matching bench.
pub const SLICE: std::time::Duration = std::time::Duration::from_millis(100);

/// Events per second over one turn: the events, repeated until the slice is spent.
pub fn turn(events: &[String], f: &mut dyn FnMut(&str) -> usize) -> f64 {
    let start = std::time::Instant::now();
    let mut n = 0usize;
    let mut matched = 0usize;
    while start.elapsed() < SLICE {
        for e in events {
            matched += f(e);
            n += 1;
        }
    }
    std::hint::black_box(matched);
    n as f64 / start.elapsed().as_secs_f64()
}

/// The median of the turns measured (sorts them): the figure the benches report, so that a noisy
/// neighbour on the machine moves it less than it moves a mean.
pub fn median(turns: &mut [f64]) -> f64 {
    turns.sort_by(f64::total_cmp);
    turns.get(turns.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Whether a profiling example's workload `kind` matches EventBridge-like events (else
/// city-lots features).
pub fn eventbridge_kind(kind: &str) -> bool {
    matches!(
        kind,
        "eventbridge" | "distinct-paths" | "paired-tests" | "none-eb" | "eb-paths" | "eb-custom"
    )
}

/// The city-lots workloads of the matching bench, one per operator and one mixing them.
pub const CITY_KINDS: [&str; 6] = [
    "exact",
    "prefix",
    "anything-but",
    "equals-ignore-case",
    "wildcard",
    "mixed",
];

/// The EventBridge-like workloads of the matching bench beside the realistic mix: shapes that
/// once made compiling or matching superlinear ([`shape_pattern`]).
pub const EB_SHAPES: [&str; 2] = ["distinct-paths", "paired-tests"];

/// Pattern `i` of a profiling example's workload `kind`: `eventbridge`, `eb-paths`, the shapes,
/// `custom` and `eb-custom` (the pattern in `EBW_PATTERN`), `none` and `none-eb` (a path no
/// event has, so each event is only checked and skipped), else a city-lots kind.
pub fn pattern_for(kind: &str, i: u64) -> String {
    match kind {
        "eventbridge" => eb_pattern(i),
        "eb-paths" => eb_paths_pattern(),
        "eb-custom" | "custom" => std::env::var("EBW_PATTERN").unwrap_or_default(),
        "distinct-paths" | "paired-tests" => shape_pattern(kind, i),
        "none" | "none-eb" => r#"{"zzz": ["x"]}"#.to_string(),
        _ => city_pattern(kind, i),
    }
}

/// The 2,000 events the profiling examples match (seed 42): EventBridge-like ones when `eb`,
/// else city-lots features.
pub fn sample_events(eb: bool) -> Vec<String> {
    let mut r = Rng(42);
    (0..2000)
        .map(|_| {
            if eb {
                eb_event(&mut r)
            } else {
                city_lot(&mut r)
            }
        })
        .collect()
}

const STREETS: [&str; 12] = [
    "JEFFERSON",
    "BEACH",
    "NORTH POINT",
    "MARKET",
    "MISSION",
    "VALENCIA",
    "FOLSOM",
    "HARRISON",
    "BRYANT",
    "POTRERO",
    "TARAVAL",
    "NORIEGA",
];
const TYPES: [&str; 5] = ["ST", "AVE", "BLVD", "WAY", "TER"];

/// The street name used by pattern `i` (many distinct values, so most patterns don't match).
pub fn street(i: u64) -> String {
    format!("{} {}", STREETS[(i % 12) as usize], i / 12)
}

/// A city-lots style GeoJSON feature of about 850 bytes.
pub fn city_lot(r: &mut Rng) -> String {
    let s = r.below(120);
    let mut coords = Vec::new();
    for _ in 0..17 {
        coords.push(format!(
            "[-122.{:06}, 37.{:06}, 0.0]",
            r.below(1_000_000),
            r.below(1_000_000)
        ));
    }
    format!(
        r#"{{"type": "Feature", "properties": {{"MAPBLKLOT": "{blk:07}", "BLKLOT": "{blk:07}", "BLOCK_NUM": "{b:04}", "LOT_NUM": "{l:03}", "FROM_ST": "{f}", "TO_ST": "{t}", "STREET": "{street}", "ST_TYPE": "{ty}", "ODD_EVEN": "{oe}"}}, "geometry": {{"type": "Polygon", "coordinates": [[{coords}]]}}}}"#,
        blk = r.below(10_000_000),
        b = r.below(10_000),
        l = r.below(1000),
        f = r.below(3000),
        t = r.below(3000),
        street = street(s),
        ty = TYPES[r.below(5) as usize],
        oe = if r.below(2) == 0 { "E" } else { "O" },
        coords = coords.join(", ")
    )
}

/// City-lots patterns of one kind: `exact`, `prefix`, `anything-but`, `equals-ignore-case`,
/// `wildcard` or `mixed`.
pub fn city_pattern(kind: &str, i: u64) -> String {
    let s = street(i);
    match kind {
        "exact" => format!(r#"{{"properties": {{"STREET": ["{s}"]}}}}"#),
        "prefix" => format!(
            r#"{{"properties": {{"STREET": [{{"prefix": "{}"}}]}}}}"#,
            &s[..s.len().min(s.len() - 1)]
        ),
        "anything-but" => {
            format!(r#"{{"properties": {{"STREET": [{{"anything-but": ["{s}"]}}]}}}}"#)
        }
        "equals-ignore-case" => format!(
            r#"{{"properties": {{"STREET": [{{"equals-ignore-case": "{}"}}]}}}}"#,
            s.to_lowercase()
        ),
        "wildcard" => format!(
            r#"{{"properties": {{"STREET": [{{"wildcard": "{}*{}"}}]}}}}"#,
            &s[..2],
            &s[s.len() - 2..]
        ),
        _ => city_pattern(
            [
                "exact",
                "prefix",
                "anything-but",
                "equals-ignore-case",
                "wildcard",
            ][(i % 5) as usize],
            i,
        ),
    }
}

const SOURCES: [&str; 8] = [
    "orders",
    "payments",
    "inventory",
    "shipping",
    "users",
    "billing",
    "search",
    "reviews",
];
const DETAIL_TYPES: [&str; 6] = [
    "Created",
    "Updated",
    "Deleted",
    "Failed",
    "Succeeded",
    "Pending",
];

/// An EventBridge-like event of about 800 bytes.
pub fn eb_event(r: &mut Rng) -> String {
    let src = SOURCES[r.below(8) as usize];
    let dt = DETAIL_TYPES[r.below(6) as usize];
    let items: Vec<String> = (0..3)
        .map(|_| {
            format!(
                r#"{{"sku": "SKU-{:05}", "qty": {}, "price": {}.{:02}}}"#,
                r.below(100_000),
                1 + r.below(9),
                r.below(500),
                r.below(100)
            )
        })
        .collect();
    format!(
        r#"{{"version": "0", "id": "{:08x}-1d2e-3f40-5162-738495a6b7c8", "detail-type": "{src} {dt}", "source": "com.example.{src}", "account": "123456789012", "time": "2026-11-28T00:{:02}:{:02}Z", "region": "us-west-2", "resources": ["arn:aws:events:us-west-2:123456789012:event-bus/{src}"], "detail": {{"id": "{src}-{}", "status": "{}", "amount": {}, "currency": "usd", "customer": {{"id": "cus_{:06}", "email": "user{}@example.com", "tier": "{}"}}, "items": [{}], "ip": "10.{}.{}.{}", "tags": ["a", "b", "{}"], "shipping": {{"method": "ground", "address": {{"city": "Seattle", "postcode": "98101", "country": "US"}}}}, "note": "generated for the benchmark"}}}}"#,
        r.next_u64() as u32,
        r.below(60),
        r.below(60),
        r.below(1_000_000),
        ["PENDING", "PAID", "FAILED", "REFUNDED"][r.below(4) as usize],
        r.below(100_000),
        r.below(1_000_000),
        r.below(1000),
        ["gold", "silver", "bronze"][r.below(3) as usize],
        items.join(", "),
        r.below(256),
        r.below(256),
        r.below(256),
        r.below(10)
    )
}

/// A realistic EventBridge rule: source and detail-type, plus one or two content filters.
pub fn eb_pattern(i: u64) -> String {
    let src = SOURCES[(i % 8) as usize];
    let dt = DETAIL_TYPES[((i / 8) % 6) as usize];
    let filter = match i % 7 {
        0 => format!(
            r#""status": ["PAID"], "amount": [{{"numeric": [">", {}]}}]"#,
            i % 1000
        ),
        1 => r#""customer": {"tier": [{"anything-but": ["bronze"]}]}, "currency": [{"equals-ignore-case": "USD"}]"#.to_string(),
        2 => format!(
            r#""customer": {{"email": [{{"suffix": "{}@example.com"}}]}}"#,
            i % 1000
        ),
        3 => format!(r#""ip": [{{"cidr": "10.{}.0.0/16"}}]"#, i % 256),
        4 => format!(
            r#""items": {{"sku": [{{"prefix": "SKU-{:03}"}}]}}"#,
            i % 1000
        ),
        5 => r#""id": [{"wildcard": "*-1*"}]"#.to_string(),
        _ => format!(
            r#""status": [{{"anything-but": {{"prefix": "REF"}}}}], "customer": {{"id": [{{"exists": true}}]}}, "amount": [{{"numeric": ["<=", {}]}}]"#,
            i % 100_000
        ),
    };
    format!(
        r#"{{"source": ["com.example.{src}"], "detail-type": ["{src} {dt}"], "detail": {{{filter}}}}}"#
    )
}

/// One rule reading every path the [`eb_pattern`] rules read, each only tested to exist: matching
/// it costs what scanning and collecting those values costs, plus one rule's evaluation.
pub fn eb_paths_pattern() -> String {
    let exists = r#"[{"exists": true}]"#;
    format!(
        r#"{{"source": {exists}, "detail-type": {exists}, "detail": {{"status": {exists}, "amount": {exists}, "currency": {exists}, "ip": {exists}, "id": {exists}, "customer": {{"tier": {exists}, "email": {exists}, "id": {exists}}}, "items": {{"sku": {exists}}}}}}}"#
    )
}

/// Shapes that once made compiling or matching superlinear, kept as workloads: every rule on a
/// path of its own (`distinct-paths`), and rules sharing one non-exact test in pairs
/// (`paired-tests`).
pub fn shape_pattern(kind: &str, i: u64) -> String {
    match kind {
        "distinct-paths" => format!(r#"{{"detail": {{"f{i}": [{{"prefix": "x"}}]}}}}"#),
        _ => format!(
            r#"{{"detail": {{"items": {{"sku": [{{"prefix": "SKU-{:05}"}}]}}, "amount": [{{"numeric": ["<", {}]}}]}}}}"#,
            i / 2,
            i % 100_000
        ),
    }
}
