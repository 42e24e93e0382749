//! The whole workshop, simulated once with every sample: time per replay, natively.
use std::time::Instant;

fn main() {
    let state = workshop::WorkshopState::default();
    // Warm up, then measure.
    for _ in 0..20 {
        std::hint::black_box(workshop::replay(&state, &[]));
    }
    let n = 300;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(workshop::replay(&state, &[]));
    }
    let per = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(workshop::diagnostics::diagnose(&state));
    }
    let diag = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    println!("replay of the whole workshop (all samples): {per:.3} ms; diagnostics of the whole state: {diag:.3} ms");
}
