//! The few distribution functions the trend rule needs: Student's t
//! distribution for any (also fractional) degrees of freedom.
//!
//! Written from the textbook definitions, with no dependency:
//! - `ln Γ(x)` by Stirling's series (accurate to ~1e-13 for x ≥ 8), shifted up
//!   with `Γ(x + 1) = x Γ(x)` for smaller `x`;
//! - the regularised incomplete beta function `I_x(a, b)` by its continued
//!   fraction, evaluated with the modified Lentz method, and the symmetry
//!   `I_x(a, b) = 1 − I_{1−x}(b, a)` where the fraction converges slowly;
//! - for `t ≥ 0`: `P(T ≤ t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½)`;
//! - the quantile by Newton steps on that distribution function, kept inside
//!   a bracket with bisection.

use std::f64::consts::PI;

/// `ln Γ(x)` for `x > 0`.
fn ln_gamma(x: f64) -> f64 {
    debug_assert!(x > 0.0);
    // Shift up to x ≥ 8, where the asymptotic series is accurate.
    let mut shift = 0.0;
    let mut x = x;
    while x < 8.0 {
        shift += x.ln();
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv
        * (1.0 / 12.0
            - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 / 1188.0))));
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * PI).ln() + series - shift
}

/// The continued fraction of `I_x(a, b)` (without its prefactor); converges
/// quickly for `x < (a + 1) / (a + b + 2)`.
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut result = d;
    for m in 1..=500 {
        let m = f64::from(m);
        // Even term d_{2m}, then odd term d_{2m+1}.
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        for coefficient in [even, odd] {
            d = 1.0 + coefficient * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + coefficient / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            result *= d * c;
        }
        if (d * c - 1.0).abs() < EPS {
            break;
        }
    }
    result
}

/// The regularised incomplete beta function `I_x(a, b)` for `a, b > 0`.
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// `P(T > t)` for `t ≥ 0` and Student's t with `df` degrees of freedom: the
/// upper tail, computed directly so that small tails keep their precision.
pub fn t_upper_tail(t: f64, df: f64) -> f64 {
    debug_assert!(df > 0.0);
    if t.is_nan() {
        return f64::NAN;
    }
    if t < 0.0 {
        return 1.0 - t_upper_tail(-t, df);
    }
    if t == 0.0 {
        return 0.5;
    }
    0.5 * incomplete_beta(df / (df + t * t), df / 2.0, 0.5)
}

/// `P(T ≤ t)` for Student's t with `df > 0` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    1.0 - t_upper_tail(t, df)
}

/// The density of Student's t at `t`.
fn t_density(t: f64, df: f64) -> f64 {
    let ln = ln_gamma((df + 1.0) / 2.0)
        - ln_gamma(df / 2.0)
        - 0.5 * (df * PI).ln()
        - (df + 1.0) / 2.0 * (1.0 + t * t / df).ln();
    ln.exp()
}

/// The `t` with `P(T > t) = upper` for Student's t with `df > 0` degrees of
/// freedom and `0 < upper ≤ ½` (so `t ≥ 0`). For a two-sided interval with
/// coverage `1 − α` use `upper = α / 2`.
pub fn t_upper_quantile(upper: f64, df: f64) -> f64 {
    assert!(
        upper > 0.0 && upper <= 0.5 && df > 0.0,
        "t quantile needs 0 < upper ≤ ½ and df > 0"
    );
    if upper == 0.5 {
        return 0.0;
    }
    // Bracket: the tail falls as t grows.
    let (mut low, mut high) = (0.0, 1.0);
    while t_upper_tail(high, df) > upper {
        low = high;
        high *= 2.0;
        if high > 1e12 {
            return high;
        }
    }
    let mut t = (low + high) / 2.0;
    for _ in 0..200 {
        let excess = t_upper_tail(t, df) - upper; // > 0: t is too small
        if excess > 0.0 {
            low = t;
        } else {
            high = t;
        }
        // Newton step on the tail (its derivative is −density), else bisect.
        let newton = t + excess / t_density(t, df);
        let next = if newton > low && newton < high {
            newton
        } else {
            (low + high) / 2.0
        };
        if (next - t).abs() <= 1e-12 * t.max(1.0) || high - low <= 1e-12 * high {
            return next;
        }
        t = next;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance * b.abs().max(1.0)
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        // Γ(n) = (n − 1)!
        let mut factorial = 1.0f64;
        for n in 1..30u32 {
            assert!(close(ln_gamma(f64::from(n)), factorial.ln(), 1e-12), "{n}");
            factorial *= f64::from(n);
        }
        // Γ(½) = √π, Γ(3/2) = √π / 2
        assert!(close(ln_gamma(0.5), PI.sqrt().ln(), 1e-12));
        assert!(close(ln_gamma(1.5), (PI.sqrt() / 2.0).ln(), 1e-12));
    }

    #[test]
    fn quantiles_match_closed_forms() {
        // df = 1 is the Cauchy distribution: t = tan(π (p − ½)).
        // df = 2: t = (2p − 1) / √(2 p (1 − p)).
        for upper in [0.4, 0.25, 0.1, 0.05, 0.025, 0.01, 0.001, 1e-5] {
            let p: f64 = 1.0 - upper;
            let cauchy = (PI * (p - 0.5)).tan();
            assert!(close(t_upper_quantile(upper, 1.0), cauchy, 1e-9), "{upper}");
            let two = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
            assert!(close(t_upper_quantile(upper, 2.0), two, 1e-9), "{upper}");
        }
    }

    #[test]
    fn quantiles_match_the_printed_table() {
        // Values as printed in statistics tables (two-sided 95 %, 99 %, 99.8 %).
        let table = [
            (0.025, 5.0, 2.570_582),
            (0.025, 10.0, 2.228_139),
            (0.025, 30.0, 2.042_272),
            (0.005, 5.0, 4.032_143),
            (0.005, 18.0, 2.878_440),
            (0.001, 20.0, 3.551_808),
            (0.025, 1e6, 1.959_966),
        ];
        for (upper, df, t) in table {
            assert!(close(t_upper_quantile(upper, df), t, 2e-6), "{upper} {df}");
        }
    }

    #[test]
    fn half_gives_zero_and_tails_are_symmetric() {
        assert_eq!(t_upper_quantile(0.5, 7.0), 0.0);
        assert!(close(t_cdf(0.0, 3.3), 0.5, 1e-14));
        assert!(close(t_cdf(-1.7, 4.5) + t_cdf(1.7, 4.5), 1.0, 1e-14));
    }

    proptest! {
        #[test]
        fn quantile_inverts_the_tail(upper in 1e-6f64..0.5, df in 0.5f64..500.0) {
            let t = t_upper_quantile(upper, df);
            prop_assert!(t >= 0.0);
            prop_assert!(close(t_upper_tail(t, df), upper, 1e-8));
        }

        #[test]
        fn fewer_degrees_of_freedom_give_a_wider_interval(
            upper in 1e-4f64..0.2, df in 1.0f64..200.0, extra in 0.1f64..50.0
        ) {
            prop_assert!(t_upper_quantile(upper, df) >= t_upper_quantile(upper, df + extra));
        }
    }
}
