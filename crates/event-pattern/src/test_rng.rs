//! A small deterministic generator for the crate's table-free tests (xorshift64): the same
//! cases on every run, no dependency.

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A number below `n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
