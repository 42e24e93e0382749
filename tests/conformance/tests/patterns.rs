//! `../shared/conformance/patterns.json`: every verdict, every error message, against real AWS.

use conformance::{load_cases, str_field};
use event_pattern::compiled::CompiledMatcher;
use event_pattern::{test_event_pattern, EventPattern};

#[test]
fn every_recorded_pattern_case_matches_aws() {
    let cases = load_cases("patterns.json");
    let mut failures = Vec::new();
    let (mut verdicts, mut first_lines, mut full) = (0, 0, 0);
    let (mut errors, mut compiled) = (0, 0);
    for case in &cases {
        let name = str_field(case, "name");
        let pattern = str_field(case, "pattern_sent");
        let event = str_field(case, "event_sent");
        let got = test_event_pattern(pattern, event);
        if let (Some(serde_json::Value::Bool(want)), Ok(p)) =
            (case.get("expected"), EventPattern::parse(pattern))
        {
            // The compiled matcher (`ebw match`) on the recorded verdicts too: the event text
            // checked as it is scanned, and taken as already checked.
            let mut m = CompiledMatcher::new(&[p]);
            let expect: Vec<usize> = if *want { vec![0] } else { vec![] };
            for prechecked in [false, true] {
                m.set_text_prechecked(prechecked);
                if m.matching_text(event) != Ok(expect.clone()) {
                    failures.push(format!(
                        "{name}: compiled (prechecked: {prechecked}) differs"
                    ));
                }
            }
            compiled += 1;
        }
        match (case.get("expected"), &got) {
            (Some(serde_json::Value::Bool(want)), Ok(have)) if want == have => verdicts += 1,
            (Some(serde_json::Value::String(s)), Err(e)) if s == "error" => {
                errors += 1;
                verdicts += 1;
                let code = str_field(case, "error_code");
                let msg = str_field(case, "error_message");
                let first = str_field(case, "error_message_first_line");
                let have = e.message();
                if e.code().as_str() != code {
                    failures.push(format!("{name}: code {} != {code}", e.code().as_str()));
                }
                if have.lines().next() == Some(first) {
                    first_lines += 1;
                } else {
                    failures.push(format!(
                        "{name}: first line\n  want {first:?}\n  have {:?}",
                        have.lines().next()
                    ));
                }
                if have == msg {
                    full += 1;
                } else {
                    failures.push(format!(
                        "{name}: full message\n  want {msg:?}\n  have {have:?}"
                    ));
                }
            }
            (want, have) => failures.push(format!("{name}: want {want:?}, have {have:?}")),
        }
    }
    println!(
        "patterns.json: {verdicts}/{} verdicts, {first_lines}/{errors} error first lines, {full}/{errors} full messages; compiled matcher on {compiled} verdicts",
        cases.len()
    );
    assert_eq!(
        compiled + errors,
        cases.len(),
        "every verdict went to the compiled matcher"
    );
    conformance::assert_all_pass(&failures);
}
