//! Number formatting shared by the log and the end report.

/// T2's human-readable suffix for a count: empty below 1024, else ` (x.xx U)` where the unit
/// index is `floor(log2(v) / 10)` (K, M, G, T, P, E) but the divisor is `1000^index`
/// (`T2_CONV_NUM`): 1024 -> ` (1.02 K)`, 262144 -> ` (262.14 K)`, 9999 -> ` (10.00 K)`.
pub fn hr_suffix(v: u64) -> String {
    if v < 1024 {
        return String::new();
    }
    const UNITS: [&str; 7] = ["", "K", "M", "G", "T", "P", "E"];
    let idx = ((63 - v.leading_zeros()) / 10) as usize;
    let idx = idx.min(UNITS.len() - 1);
    let x = v as f64 / 1000f64.powi(idx as i32);
    format!(" ({} {})", c_fixed2(x), UNITS[idx])
}

/// `printf("%.2f", x)` for finite non-negative `x` (round half to even on the exact binary
/// value, as glibc does).
pub fn c_fixed2(x: f64) -> String {
    // Rust's `{:.2}` formats the exact decimal expansion and rounds ties to even, like glibc.
    format!("{x:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_of_the_reference_logs() {
        assert_eq!(hr_suffix(1023), "");
        assert_eq!(hr_suffix(1024), " (1.02 K)");
        assert_eq!(hr_suffix(262_144), " (262.14 K)");
        assert_eq!(hr_suffix(65_535), " (65.53 K)");
        assert_eq!(hr_suffix(9999), " (10.00 K)");
        assert_eq!(hr_suffix(1_048_576), " (1.05 M)");
        assert_eq!(hr_suffix(16_778_295), " (16.78 M)");
        assert_eq!(hr_suffix(1_745_420_288), " (1.75 G)");
        assert_eq!(hr_suffix(40_567), " (40.57 K)");
        assert_eq!(hr_suffix(2_527_774), " (2.53 M)");
        // exact binary tie: glibc prints 10.12
        assert_eq!(hr_suffix(10_125), " (10.12 K)");
    }
}
