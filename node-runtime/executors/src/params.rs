//! Reading a step's `params` (manifest errors) and the job input (input errors).

use crate::ExecError;
use serde_json::{Map, Value};

/// A step's `params`, with errors that name the step and the parameter.
pub(crate) struct Params<'a> {
	step: &'a str,
	map: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
	pub(crate) fn new(step: &'a str, map: &'a Map<String, Value>) -> Self {
		Self { step, map }
	}

	/// A [`ExecError::BadManifest`] about `params.<key>` of this step.
	pub(crate) fn error(&self, key: &str, reason: impl core::fmt::Display) -> ExecError {
		ExecError::BadManifest(format!("step `{}`: params.{key} {reason}", self.step))
	}

	/// The step id.
	pub(crate) fn step(&self) -> &'a str {
		self.step
	}

	/// `params.<key>`, if present.
	pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
		self.map.get(key)
	}

	/// `params.<key>` as a string, if present.
	pub(crate) fn str_opt(&self, key: &str) -> Result<Option<&'a str>, ExecError> {
		match self.map.get(key) {
			None => Ok(None),
			Some(Value::String(s)) => Ok(Some(s.as_str())),
			Some(_) => Err(self.error(key, "must be a string")),
		}
	}

	/// `params.<key>` as a string, required.
	pub(crate) fn str_req(&self, key: &str) -> Result<&'a str, ExecError> {
		self.str_opt(key)?.ok_or_else(|| self.error(key, "is required"))
	}

	/// `params.<key>` as a string, or `default`.
	pub(crate) fn str_or(&self, key: &str, default: &'a str) -> Result<&'a str, ExecError> {
		Ok(self.str_opt(key)?.unwrap_or(default))
	}

	/// `params.<key>` as a whole number within `min..=max`, or `default`.
	pub(crate) fn u64_in(
		&self,
		key: &str,
		default: u64,
		min: u64,
		max: u64,
	) -> Result<u64, ExecError> {
		let n = match self.map.get(key) {
			None => default,
			Some(v) => v.as_u64().ok_or_else(|| {
				self.error(key, format!("must be a whole number in {min}..={max}"))
			})?,
		};
		if !(min..=max).contains(&n) {
			return Err(self.error(key, format!("is {n}; must be in {min}..={max}")));
		}
		Ok(n)
	}

	/// `params.<key>` as an array of strings, if present.
	pub(crate) fn strings_opt(&self, key: &str) -> Result<Option<Vec<String>>, ExecError> {
		let Some(v) = self.map.get(key) else { return Ok(None) };
		let arr = v.as_array().ok_or_else(|| self.error(key, "must be an array of strings"))?;
		arr.iter()
			.map(|s| {
				s.as_str()
					.map(str::to_owned)
					.ok_or_else(|| self.error(key, "must be an array of strings"))
			})
			.collect::<Result<Vec<_>, _>>()
			.map(Some)
	}
}

/// `input.<field>` as a string of at most `max_bytes`; errors name `input.<field>`.
pub(crate) fn input_str<'a>(
	input: &'a Map<String, Value>,
	field: &str,
	max_bytes: usize,
) -> Result<&'a str, ExecError> {
	let name = format!("input.{field}");
	let s = match input.get(field) {
		None => return Err(ExecError::input(name, "is missing")),
		Some(Value::String(s)) => s.as_str(),
		Some(_) => return Err(ExecError::input(name, "must be a string")),
	};
	check_len(&name, s, max_bytes)?;
	Ok(s)
}

/// Refuse `s` if it is longer than `max_bytes`.
pub(crate) fn check_len(field: &str, s: &str, max_bytes: usize) -> Result<(), ExecError> {
	if s.len() > max_bytes {
		return Err(ExecError::input(
			field,
			format!("is {} bytes; the limit is {max_bytes} bytes", s.len()),
		));
	}
	Ok(())
}

/// An `f32` as a JSON number written with the shortest decimal that reads back as the same
/// `f32` (serde_json would otherwise widen it to `f64` and print 17 digits). Non-finite values
/// (which no model here produces) become `null`.
pub(crate) fn f32_json(x: f32) -> Value {
	// `Display` for f32 prints the shortest round-tripping decimal; reading that decimal as f64
	// gives the f64 whose shortest form is the same decimal.
	format!("{x}")
		.parse::<f64>()
		.ok()
		.and_then(serde_json::Number::from_f64)
		.map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn params_errors_name_the_step_and_the_field() {
		let map = json!({"max_tokens": 0, "system": 3, "documents": ["a", 1]});
		let p = Params::new("gen", map.as_object().unwrap());
		let msg = |e: ExecError| e.to_string();
		assert!(msg(p.u64_in("max_tokens", 64, 1, 512).unwrap_err()).contains("params.max_tokens"));
		assert_eq!(p.u64_in("top_k", 1, 1, 256).unwrap(), 1);
		assert!(msg(p.str_opt("system").unwrap_err()).contains("step `gen`: params.system"));
		assert!(msg(p.strings_opt("documents").unwrap_err()).contains("params.documents"));
		assert!(msg(p.str_req("url").unwrap_err()).contains("params.url is required"));
	}

	#[test]
	fn input_errors_name_the_field() {
		let input = json!({"text": "hello", "n": 1});
		let input = input.as_object().unwrap();
		assert_eq!(input_str(input, "text", 8).unwrap(), "hello");
		for (field, max) in [("text", 4), ("n", 8), ("missing", 8)] {
			match input_str(input, field, max) {
				Err(ExecError::BadInput { field: f, .. }) => {
					assert_eq!(f, format!("input.{field}"))
				}
				other => panic!("expected BadInput for {field}, got {other:?}"),
			}
		}
	}

	#[test]
	fn f32_numbers_are_short_and_exact() {
		let v = f32_json(0.1);
		assert_eq!(serde_json::to_string(&v).unwrap(), "0.1");
		let x = -0.034_567_89_f32;
		let back = serde_json::to_value(&v).unwrap();
		assert_eq!(back.as_f64().unwrap() as f32, 0.1);
		assert_eq!(f32_json(x).as_f64().unwrap() as f32, x);
		assert_eq!(f32_json(f32::NAN), Value::Null);
	}
}
