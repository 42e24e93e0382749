//! Matching throughput, side by side in one run: our compiled matcher (parse + match), the
//! `quamina` crate (parse + match), and serde_json only validating the same events; and, for
//! reference, ours on events parsed beforehand (as the simulator matches them) and ours with the
//! matches into a reused set (`matching_text_into`, a bit per pattern) instead of a list. Both of
//! our forms are compared with quamina: the list, like quamina's answer, is a new vector per
//! event; the set is reused and allocates nothing. quamina never checks that an event is valid
//! JSON and stops reading it once it has the fields its patterns need; ours checks every byte,
//! so a third form takes the text as already checked (`set_text_prechecked`): the same work as
//! quamina's, compared with it in a column of its own.
//!
//! Where our answer is long (at least [`LONG_ANSWER`] matches per event on average), one more
//! engine runs in the same turns: writing the answer alone, a new `Vec<usize>` per event with as
//! many entries as ours returns and no matching at all, in a copy compiled for the widest vectors
//! the processor has (as our widening copies are). No matcher that answers with a list can
//! go faster than that, so it shows how far the list form of such a workload could go.
//!
//! quamina and serde_json run in a process of their own (`ebw-baselines`, driven one turn at a
//! time between ours): in one binary with our matcher, a change to our code moved their code in
//! memory, and that alone moved serde_json's speed by up to 9 %, enough to show a gain or a loss
//! that our code never had. The turns still alternate, so a noisy machine slows all alike.
//!
//! Run: `make bench` (or `cargo bench -p ebw-bench --features quamina`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::Instant;

use ebw_bench::{
    city_lot, city_pattern, eb_event, eb_pattern, median, shape_pattern, turn, Rng, CITY_KINDS,
    EB_SHAPES,
};
use event_pattern::compiled::{CompiledMatcher, MatchSet};
use event_pattern::{EventPattern, Json};

/// Counts the heap's growth while compiling, to report memory per pattern. Only then: counting
/// every allocation while matching would tax our list answers (a vector per event) with two
/// atomic operations each, which the baselines, in a process of their own, do not pay.
struct Counting;
static COUNTING: AtomicBool = AtomicBool::new(false);
static GROWTH: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            GROWTH.fetch_add(l.size() as isize, Ordering::Relaxed);
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            GROWTH.fetch_sub(l.size() as isize, Ordering::Relaxed);
        }
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Each engine runs in turns of `ebw_bench::SLICE`, `ROUNDS` times, interleaved with the others,
/// and the median turn counts: a noisy neighbour on the machine then hits all engines alike.
const ROUNDS: usize = 7;
/// Matches per event from which the cost of writing the answer alone is measured too.
const LONG_ANSWER: usize = 64;

/// Interleaved turns of every engine (each runs one turn and gives its events per second); the
/// median events per second of each.
fn throughput(engines: &mut [&mut dyn FnMut() -> f64]) -> Vec<f64> {
    let mut rates = vec![Vec::new(); engines.len()];
    for _ in 0..ROUNDS {
        for (e, r) in engines.iter_mut().zip(rates.iter_mut()) {
            r.push(e());
        }
    }
    rates.into_iter().map(|mut r| median(&mut r)).collect()
}

/// The baselines, quamina and serde_json, in a process of their own (`ebw-baselines`, whose
/// code is placed the same whatever ours is), driven one turn at a time between ours.
struct Baselines {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    dir: std::path::PathBuf,
    /// Why quamina has no turns (`None`: it has them).
    quamina_note: Option<&'static str>,
    quamina_compile: f64,
    quamina_matched: usize,
}

impl Baselines {
    fn start(patterns: &[String], events: &[String]) -> Baselines {
        let dir = std::env::temp_dir().join(format!("ebw-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        std::fs::write(dir.join("patterns"), patterns.join("\n")).expect("patterns file");
        std::fs::write(dir.join("events"), events.join("\n")).expect("events file");
        Baselines::spawn(&dir, &[]).unwrap_or_else(|step| {
            // quamina panicked (the process aborts): serde_json's turns from a process without it.
            let note = match step {
                "compiling" => "panicked while compiling",
                "checking" => "panicked while matching",
                _ => panic!("ebw-baselines died before quamina was reached"),
            };
            let mut b = Baselines::spawn(&dir, &["--no-quamina"])
                .unwrap_or_else(|_| panic!("ebw-baselines died without quamina"));
            b.quamina_note = Some(note);
            b
        })
    }

    /// The process, once it is ready; or, when it died first, the last step it announced.
    fn spawn(dir: &std::path::Path, flags: &[&str]) -> Result<Baselines, &'static str> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ebw-baselines"))
            .arg(dir)
            .args(flags)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ebw-baselines starts");
        let input = child.stdin.take().expect("its input");
        let mut output = BufReader::new(child.stdout.take().expect("its output"));
        let mut step = "starting";
        let ready = loop {
            let mut line = String::new();
            if output.read_line(&mut line).unwrap_or(0) == 0 {
                let _ = child.wait();
                return Err(step);
            }
            match line.trim() {
                "compiling" => step = "compiling",
                "checking" => step = "checking",
                _ => break line,
            }
        };
        let [_, state, compile, matched] = ready.split_whitespace().collect::<Vec<_>>()[..] else {
            panic!("ebw-baselines said {ready:?}");
        };
        Ok(Baselines {
            quamina_note: match state {
                "ok" | "not-run" => None,
                _ => Some("compile over 20 s or rejected"),
            },
            quamina_compile: compile.parse().expect("seconds"),
            quamina_matched: matched.parse().expect("a count"),
            child,
            input,
            output,
            dir: dir.to_path_buf(),
        })
    }

    /// One turn of `engine` (`serde` or `quamina`): its events per second.
    fn turn(&mut self, engine: &str) -> f64 {
        writeln!(self.input, "{engine}").expect("ebw-baselines reads");
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .expect("ebw-baselines answers");
        line.trim().parse().expect("events per second")
    }
}

impl Drop for Baselines {
    fn drop(&mut self) {
        let _ = writeln!(self.input, "done");
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Our matcher over patterns given as text.
fn compiled(patterns: impl IntoIterator<Item = String>) -> CompiledMatcher {
    let parsed: Vec<EventPattern> = patterns
        .into_iter()
        .map(|p| EventPattern::parse(&p).expect("valid pattern"))
        .collect();
    CompiledMatcher::new(&parsed)
}

/// How many patterns an event matches, answered as a list (a new vector per event).
fn listed(m: &CompiledMatcher, event: &str) -> usize {
    m.matching_text(event).map(|v| v.len()).unwrap_or(0)
}

/// How many patterns an event matches, answered into a reused set.
fn into_set(m: &CompiledMatcher, set: &mut MatchSet, event: &str) -> usize {
    match m.matching_text_into(event, set) {
        Ok(()) => set.len(),
        Err(_) => 0,
    }
}

/// The slowdown from 1 to 10,000 patterns measured in paired turns: the two matchers take
/// turns over the same events, and the median of the rounds' ratios counts (the rows' figures
/// for 1 and 10,000 patterns are measured minutes apart, and a busier machine in between moves
/// their ratio most of all). Ours as a list, then into a set.
fn paired_slowdown(pattern: &dyn Fn(u64) -> String, events: &[String]) -> (f64, f64) {
    let (one, many) = (
        compiled((0..1).map(pattern)),
        compiled((0..10_000).map(pattern)),
    );
    let list_ratio = paired_ratio(events, &mut |e| listed(&one, e), &mut |e| listed(&many, e));
    let (mut set_one, mut set_many) = (MatchSet::default(), MatchSet::default());
    let set_ratio = paired_ratio(events, &mut |e| into_set(&one, &mut set_one, e), &mut |e| {
        into_set(&many, &mut set_many, e)
    });
    (list_ratio, set_ratio)
}

/// The median over the rounds of `a`'s events per second over `b`'s, their turns alternating,
/// each going first in every other round (the turn that goes second finds the machine in the
/// state the first left it in).
fn paired_ratio(
    events: &[String],
    a: &mut dyn FnMut(&str) -> usize,
    b: &mut dyn FnMut(&str) -> usize,
) -> f64 {
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            if round % 2 == 0 {
                let first = turn(events, a);
                first / turn(events, b)
            } else {
                let first = turn(events, b);
                turn(events, a) / first
            }
        })
        .collect();
    median(&mut ratios)
}

struct Row {
    workload: String,
    patterns: usize,
    ours: f64,
    /// Ours on events parsed beforehand (the simulator's case: PutEvents parses once).
    ours_tree: f64,
    /// Ours on the text, the matches into a reused set (a bit per pattern) instead of a list.
    ours_set: f64,
    /// Ours on the text taken as valid JSON (`set_text_prechecked`), the matches as a list.
    ours_prechecked: f64,
    quamina: Option<f64>,
    serde: f64,
    compile_us_per_pattern: f64,
    bytes_per_pattern: f64,
    quamina_compile_us_per_pattern: Option<f64>,
    quamina_note: Option<&'static str>,
    /// Writing a list as long as ours per event, without matching (long answers only).
    answer_alone: Option<f64>,
}

fn run(workload: &str, patterns: &[String], events: &[String]) -> Row {
    GROWTH.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let t = Instant::now();
    let parsed: Vec<EventPattern> = patterns
        .iter()
        .map(|p| EventPattern::parse(p).expect("valid pattern"))
        .collect();
    let m = CompiledMatcher::new(&parsed);
    let compile = t.elapsed();
    drop(parsed);
    COUNTING.store(false, Ordering::Relaxed);
    let bytes = GROWTH.load(Ordering::Relaxed).max(0) as f64 / patterns.len() as f64;
    let counts: Vec<usize> = events.iter().map(|e| listed(&m, e)).collect();
    let ours_matched: usize = counts.iter().sum();
    let tree_matched: usize = events
        .iter()
        .map(|e| Json::parse(e).map(|j| m.matching(&j).len()).unwrap_or(0))
        .sum();
    assert_eq!(
        ours_matched, tree_matched,
        "{workload}: text scan and tree walk disagree"
    );
    let mut set = MatchSet::default();
    let mut ours_set = |e: &str| into_set(&m, &mut set, e);
    let set_matched: usize = events.iter().map(|e| ours_set(e)).sum();
    assert_eq!(
        ours_matched, set_matched,
        "{workload}: list and set disagree"
    );
    let mut ours = |e: &str| listed(&m, e);
    let mut prechecked = compiled(patterns.iter().cloned());
    prechecked.set_text_prechecked(true);
    let mut ours_prechecked = |e: &str| listed(&prechecked, e);
    let prechecked_matched: usize = events.iter().map(|e| ours_prechecked(e)).sum();
    assert_eq!(
        ours_matched, prechecked_matched,
        "{workload}: checked and prechecked text disagree"
    );
    // Turns always run whole passes over the events, so a counter finds each event's tree.
    let trees: Vec<Json> = events
        .iter()
        .map(|e| Json::parse(e).expect("valid event"))
        .collect();
    let mut next = 0usize;
    let mut ours_tree = |_: &str| {
        let n = m.matching(&trees[next]).len();
        next = (next + 1) % trees.len();
        n
    };
    let baselines = RefCell::new(Baselines::start(patterns, events));
    let (quamina_note, q_compile, q_matched) = {
        let b = baselines.borrow();
        (b.quamina_note, b.quamina_compile, b.quamina_matched)
    };
    if quamina_note.is_none() && q_matched != ours_matched {
        eprintln!(
            "note: {workload}/{}: quamina matched {q_matched}, we matched {ours_matched}",
            patterns.len()
        );
    }
    // The answer alone: each event's list, as long as ours, written into a new vector.
    let mut at = 0usize;
    let mut answer_alone = |_: &str| {
        let n = counts[at];
        at = (at + 1) % counts.len();
        std::hint::black_box(numbers_up_to(n)).len()
    };
    let long_answer = ours_matched >= LONG_ANSWER * events.len();
    let mut ours = || turn(events, &mut ours);
    let mut ours_tree = || turn(events, &mut ours_tree);
    let mut ours_set = || turn(events, &mut ours_set);
    let mut ours_prechecked = || turn(events, &mut ours_prechecked);
    let mut serde = || baselines.borrow_mut().turn("serde");
    let mut answer_alone = || turn(events, &mut answer_alone);
    let mut quamina = || baselines.borrow_mut().turn("quamina");
    let mut engines: Vec<&mut dyn FnMut() -> f64> = vec![
        &mut ours,
        &mut ours_tree,
        &mut ours_set,
        &mut ours_prechecked,
        &mut serde,
    ];
    if long_answer {
        engines.push(&mut answer_alone);
    }
    if quamina_note.is_none() {
        engines.push(&mut quamina);
    }
    let rates = throughput(&mut engines);
    let answer_alone = long_answer.then(|| rates[5]);
    let quamina = rates.get(5 + long_answer as usize).copied();
    let (ours, ours_tree, ours_set, ours_prechecked, serde) =
        (rates[0], rates[1], rates[2], rates[3], rates[4]);
    Row {
        workload: workload.into(),
        patterns: patterns.len(),
        ours,
        ours_tree,
        ours_set,
        ours_prechecked,
        quamina,
        serde,
        compile_us_per_pattern: compile.as_secs_f64() * 1e6 / patterns.len() as f64,
        bytes_per_pattern: bytes,
        quamina_compile_us_per_pattern: quamina.map(|_| q_compile * 1e6 / patterns.len() as f64),
        quamina_note,
        answer_alone,
    }
}

/// `0..n` written into a new list, in a copy compiled for the widest vectors the processor has
/// (as our matcher's widening copies are): the least a list of `n` matches can cost.
fn numbers_up_to(n: usize) -> Vec<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has AVX-512F (checked just above).
            return unsafe { numbers_up_to_avx512(n) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { numbers_up_to_avx2(n) };
        }
    }
    (0..n).collect()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn numbers_up_to_avx512(n: usize) -> Vec<usize> {
    (0..n).collect()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn numbers_up_to_avx2(n: usize) -> Vec<usize> {
    (0..n).collect()
}

fn main() {
    let mut r = Rng(42);
    let city: Vec<String> = (0..2000).map(|_| city_lot(&mut r)).collect();
    let eb: Vec<String> = (0..2000).map(|_| eb_event(&mut r)).collect();
    let avg = |v: &[String]| v.iter().map(|e| e.len()).sum::<usize>() / v.len();
    println!(
        "events: city-lots {} bytes average, EventBridge-like {} bytes average",
        avg(&city),
        avg(&eb)
    );
    // (name, pattern i, events): every workload at 1, 100 and 10,000 patterns.
    type Patterns = Box<dyn Fn(u64) -> String>;
    let mut workloads: Vec<(String, Patterns, &[String])> = Vec::new();
    for kind in CITY_KINDS {
        let name = format!("city-lots/{kind}");
        workloads.push((name, Box::new(move |i| city_pattern(kind, i)), &city));
    }
    workloads.push(("eventbridge/mix".into(), Box::new(eb_pattern), &eb));
    for kind in EB_SHAPES {
        let name = format!("eventbridge/{kind}");
        workloads.push((name, Box::new(move |i| shape_pattern(kind, i)), &eb));
    }
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let mut rows = Vec::new();
    let mut paired = Vec::new();
    for (name, pattern, events) in &workloads {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        for n in [1u64, 100, 10_000] {
            let ps: Vec<String> = (0..n).map(pattern).collect();
            rows.push(run(name, &ps, events));
        }
        paired.push((name.clone(), paired_slowdown(pattern, events)));
    }
    println!();
    println!("| workload | patterns | ours ev/s | quamina ev/s | serde_json validate ev/s | ours ÷ quamina | ours ÷ serde | compile µs/pattern (ours, quamina) | bytes/pattern | ours on a parsed event ev/s | ours into a set ev/s | set ÷ serde | set ÷ quamina | ours, text prechecked ev/s | prechecked ÷ quamina | prechecked ÷ serde |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let q = row
            .quamina
            .map(|q| format!("{q:.0}"))
            .unwrap_or_else(|| row.quamina_note.unwrap_or("—").into());
        // quamina returns a vector per event, like our list; our set needs no allocation.
        let against_q = |ours: f64| {
            row.quamina
                .map(|q| format!("{:.2}", ours / q))
                .unwrap_or_else(|| "—".into())
        };
        println!(
            "| {} | {} | {:.0} | {} | {:.0} | {} | {:.2} | {:.1}, {} | {:.0} | {:.0} | {:.0} | {:.2} | {} | {:.0} | {} | {:.2} |",
            row.workload,
            row.patterns,
            row.ours,
            q,
            row.serde,
            against_q(row.ours),
            row.ours / row.serde,
            row.compile_us_per_pattern,
            row.quamina_compile_us_per_pattern
                .map(|c| format!("{c:.1}"))
                .unwrap_or_else(|| "—".into()),
            row.bytes_per_pattern,
            row.ours_tree,
            row.ours_set,
            row.ours_set / row.serde,
            against_q(row.ours_set),
            row.ours_prechecked,
            against_q(row.ours_prechecked),
            row.ours_prechecked / row.serde
        );
    }
    // Long answers: how fast the list form could go at best.
    println!();
    for row in &rows {
        if let Some(alone) = row.answer_alone {
            println!(
                "writing the answer alone, {}/{}: {alone:.0} ev/s = {:.2}× serde_json; our list {:.2}× that",
                row.workload,
                row.patterns,
                alone / row.serde,
                row.ours / alone
            );
        }
    }
    // Slowdown from 1 to 10,000 patterns, per workload.
    println!();
    for (workload, (list, set)) in &paired {
        println!(
            "slowdown 1 → 10,000 patterns, {workload}, in paired turns: ours {list:.2}× (into a set {set:.2}×)"
        );
    }
    // The rows are measured minutes apart; a busier machine then shifts one row's figures. Each
    // row's serde_json turns ran between its own, over the same events, so dividing by them
    // cancels that shift: the second pair of figures.
    for w in rows.chunks(3) {
        if let [one, _, many] = w {
            let paced = |a: f64, b: f64| (a / one.serde) / (b / many.serde);
            println!(
                "slowdown 1 → 10,000 patterns, {}: ours {:.2}× (into a set {:.2}×); against serde_json's turns {:.2}× (set {:.2}×){}",
                one.workload,
                one.ours / many.ours,
                one.ours_set / many.ours_set,
                paced(one.ours, many.ours),
                paced(one.ours_set, many.ours_set),
                match (one.quamina, many.quamina) {
                    (Some(a), Some(b)) => format!(", quamina {:.2}×", a / b),
                    _ => String::new(),
                }
            );
        }
    }
}
