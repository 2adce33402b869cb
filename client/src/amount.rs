//! HAI amounts as every Havn binary reads and prints them (the CLI's arguments, havn-exec's
//! and the orchestrator's bond flags).
//!
//! HAI has 12 decimals: 1 HAI = 10^12 planck. Amounts are given either in HAI, with up to 12
//! decimals (`12`, `12.5`, `0.000000000001`, optionally suffixed `HAI`), or in planck with the
//! `planck` suffix (`12500000000000planck`). They are printed in HAI with the trailing zeros of
//! the fraction trimmed (`12.5`), and in JSON as both figures: `{"hai": "12.5", "planck":
//! "12500000000000"}` (strings, because JSON numbers cannot carry a `u128` exactly).

use havn_primitives::{Balance, DECIMALS, HAI};

/// Why an amount was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AmountError {
	/// Nothing given.
	Empty,
	/// Not a decimal number of HAI nor `<digits>planck`.
	Malformed(String),
	/// More than 12 decimals: finer than one planck.
	TooManyDecimals(String),
	/// Larger than a `u128` of planck.
	Overflow(String),
}

impl core::fmt::Display for AmountError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::Empty => write!(f, "no amount given"),
			Self::Malformed(s) => write!(
				f,
				"`{s}` is not an amount: give HAI (`12.5`) or planck (`12500000000000planck`)"
			),
			Self::TooManyDecimals(s) => {
				write!(f, "`{s}` has more than {DECIMALS} decimals (1 planck = 10^-12 HAI)")
			}
			Self::Overflow(s) => write!(f, "`{s}` is too large"),
		}
	}
}

impl std::error::Error for AmountError {}

/// Parse an amount (see the module docs) into planck.
pub fn parse_amount(text: &str) -> Result<Balance, AmountError> {
	let s = text.trim();
	if s.is_empty() {
		return Err(AmountError::Empty);
	}
	let malformed = || AmountError::Malformed(text.to_string());
	if let Some(digits) = s.strip_suffix("planck") {
		let digits = digits.trim_end();
		if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
			return Err(malformed());
		}
		return digits.parse::<Balance>().map_err(|_| AmountError::Overflow(text.to_string()));
	}
	let number =
		s.strip_suffix("HAI").or_else(|| s.strip_suffix("hai")).map(str::trim_end).unwrap_or(s);
	let (whole, fraction) = match number.split_once('.') {
		Some((w, f)) => (w, f),
		None => (number, ""),
	};
	let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
	if whole.is_empty()
		|| !digits_only(whole)
		|| !digits_only(fraction)
		|| (number.contains('.') && fraction.is_empty())
	{
		return Err(malformed());
	}
	if fraction.len() > usize::from(DECIMALS) {
		return Err(AmountError::TooManyDecimals(text.to_string()));
	}
	let overflow = || AmountError::Overflow(text.to_string());
	let whole: Balance = whole.parse().map_err(|_| overflow())?;
	// Right-pad the fraction to 12 digits: "5" is 0.5 HAI = 500_000_000_000 planck.
	let fraction_planck: Balance = if fraction.is_empty() {
		0
	} else {
		let padded = format!("{fraction:0<width$}", width = usize::from(DECIMALS));
		padded.parse().map_err(|_| malformed())?
	};
	whole.checked_mul(HAI).and_then(|p| p.checked_add(fraction_planck)).ok_or_else(overflow)
}

/// `planck` in HAI with the fraction's trailing zeros trimmed: `12.5`, `0.000000000001`, `3`.
pub fn format_hai(planck: Balance) -> String {
	let whole = planck / HAI;
	let fraction = planck % HAI;
	if fraction == 0 {
		return whole.to_string();
	}
	let fraction = format!("{fraction:0>width$}", width = usize::from(DECIMALS));
	format!("{whole}.{}", fraction.trim_end_matches('0'))
}

/// `planck` for people: `12.5 HAI`.
pub fn display_hai(planck: Balance) -> String {
	format!("{} HAI", format_hai(planck))
}

/// `planck` for machines: `{"hai": "12.5", "planck": "12500000000000"}`.
pub fn amount_json(planck: Balance) -> serde_json::Value {
	serde_json::json!({ "hai": format_hai(planck), "planck": planck.to_string() })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hai_amounts_as_the_orchestrator_reads_them() {
		assert_eq!(parse_amount("1000"), Ok(1_000 * HAI));
		assert_eq!(parse_amount("0.5"), Ok(HAI / 2));
		assert_eq!(parse_amount("1.000000000001"), Ok(HAI + 1));
		assert!(matches!(parse_amount("1.0000000000001"), Err(AmountError::TooManyDecimals(_))));
		assert!(matches!(parse_amount("1."), Err(AmountError::Malformed(_))));
		assert!(matches!(parse_amount("-1"), Err(AmountError::Malformed(_))));
		assert!(matches!(parse_amount("1e3"), Err(AmountError::Malformed(_))));
		assert!(matches!(
			parse_amount("999999999999999999999999999999999"),
			Err(AmountError::Overflow(_))
		));
	}

	#[test]
	fn parses_hai_with_decimals() {
		assert_eq!(parse_amount("1.5"), Ok(1_500_000_000_000));
		assert_eq!(parse_amount("12"), Ok(12 * HAI));
		assert_eq!(parse_amount("0.000000000001"), Ok(1));
		assert_eq!(parse_amount("2000 HAI"), Ok(2_000 * HAI));
		assert_eq!(parse_amount("0.25hai"), Ok(HAI / 4));
		assert_eq!(parse_amount(" 7.000000000000 "), Ok(7 * HAI));
	}

	#[test]
	fn parses_planck_suffix() {
		assert_eq!(parse_amount("12500000000000planck"), Ok(12_500_000_000_000));
		assert_eq!(parse_amount("1 planck"), Ok(1));
		assert_eq!(parse_amount("0planck"), Ok(0));
		assert_eq!(parse_amount(&format!("{}planck", u128::MAX)), Ok(u128::MAX));
	}

	#[test]
	fn refuses_too_many_decimals() {
		assert_eq!(
			parse_amount("1.0000000000001"),
			Err(AmountError::TooManyDecimals("1.0000000000001".into()))
		);
		assert!(matches!(parse_amount("1.5planck"), Err(AmountError::Malformed(_))));
	}

	#[test]
	fn refuses_overflow() {
		// u128::MAX + 1 planck.
		assert!(matches!(
			parse_amount("340282366920938463463374607431768211456planck"),
			Err(AmountError::Overflow(_))
		));
		// u128::MAX / 10^12 is about 3.4e26 HAI: one more digit overflows the multiplication.
		assert!(matches!(
			parse_amount("3402823669209384634633746074"),
			Err(AmountError::Overflow(_))
		));
		assert!(matches!(
			parse_amount("340282366920938463463374607.431768211456"),
			Err(AmountError::Overflow(_))
		));
		// The largest whole number of HAI that fits still parses.
		assert_eq!(
			parse_amount("340282366920938463463374607"),
			Ok(340_282_366_920_938_463_463_374_607 * HAI)
		);
	}

	#[test]
	fn refuses_garbage() {
		for bad in ["", "  ", "-1", "+1", "1e3", ".5", "5.", "1.2.3", "abc", "planck", "1,5", "HAI"]
		{
			assert!(parse_amount(bad).is_err(), "{bad:?} was accepted");
		}
	}

	#[test]
	fn formats_hai() {
		assert_eq!(format_hai(0), "0");
		assert_eq!(format_hai(1), "0.000000000001");
		assert_eq!(format_hai(12_500_000_000_000), "12.5");
		assert_eq!(format_hai(100 * HAI), "100");
		assert_eq!(format_hai(HAI + 10), "1.00000000001");
		assert_eq!(format_hai(u128::MAX), "340282366920938463463374607.431768211455");
		assert_eq!(display_hai(HAI / 1000), "0.001 HAI");
		assert_eq!(
			amount_json(1_500_000_000_000),
			serde_json::json!({ "hai": "1.5", "planck": "1500000000000" })
		);
	}

	#[test]
	fn format_and_parse_round_trip() {
		for planck in [0, 1, 999, HAI, HAI - 1, 123_456_789_012_345_678, u128::MAX] {
			assert_eq!(parse_amount(&format_hai(planck)), Ok(planck));
		}
	}
}
