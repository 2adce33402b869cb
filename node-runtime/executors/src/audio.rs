//! The `audio` executor: a deterministic synthesizer, text to a 16-bit mono PCM WAV.
//!
//! Each character of the text is one note of `note_ms` milliseconds: whitespace is a rest
//! (silence), any other character a pitch of two octaves of the C major pentatonic scale picked
//! by its Unicode scalar value. Notes are sines with a linear attack (10 ms) and release (20 ms)
//! envelope at half of full scale. Only `sin` of std is used, so the same build always writes
//! the same bytes.

use crate::{
	params::{input_str, Params},
	Blob, ExecError, StepOutput,
};
use serde_json::{json, Map, Value};
use std::{f64::consts::TAU, io::Cursor, time::Instant};

/// Longest text, in bytes.
pub(crate) const MAX_TEXT_BYTES: usize = 4 * 1024;
/// Default note length, ms.
pub(crate) const DEFAULT_NOTE_MS: u64 = 120;
/// Note length range, ms.
pub(crate) const NOTE_MS_RANGE: (u64, u64) = (20, 2_000);
/// Default sample rate, Hz.
pub(crate) const DEFAULT_SAMPLE_RATE: u64 = 16_000;
/// Sample rate range, Hz.
pub(crate) const SAMPLE_RATE_RANGE: (u64, u64) = (8_000, 48_000);
/// Longest output, ms (10 minutes; at 48 kHz that is 55 MiB of WAV).
pub(crate) const MAX_DURATION_MS: u64 = 600_000;
/// MIME type of the output.
pub(crate) const MEDIA_TYPE: &str = "audio/wav";

/// Two octaves of the C major pentatonic scale (C4 D4 E4 G4 A4 C5 D5 E5 G5 A5), Hz.
const SCALE_HZ: [f64; 10] =
	[261.63, 293.66, 329.63, 392.00, 440.00, 523.25, 587.33, 659.25, 783.99, 880.00];
/// Attack and release, ms.
const ATTACK_MS: u64 = 10;
const RELEASE_MS: u64 = 20;
/// Peak amplitude, as a fraction of full scale.
const AMPLITUDE: f64 = 0.5;

/// The pitch of `c` in Hz, `None` for a rest.
fn pitch(c: char) -> Option<f64> {
	if c.is_whitespace() {
		return None;
	}
	SCALE_HZ.get(c as usize % SCALE_HZ.len()).copied()
}

/// A synthesized WAV.
pub(crate) struct Wav {
	/// The WAV file.
	pub bytes: Vec<u8>,
	/// Samples (mono, so also frames).
	pub samples: u64,
	/// Length, ms.
	pub duration_ms: u64,
}

/// Synthesize `text` at `sample_rate` Hz with notes of `note_ms` ms.
pub(crate) fn synthesize(text: &str, note_ms: u64, sample_rate: u32) -> Result<Wav, ExecError> {
	let notes = text.chars().count() as u64;
	let per_note = u64::from(sample_rate) * note_ms / 1000;
	let attack = (u64::from(sample_rate) * ATTACK_MS / 1000).min(per_note / 2).max(1);
	let release = (u64::from(sample_rate) * RELEASE_MS / 1000).min(per_note / 2).max(1);
	let spec = hound::WavSpec {
		channels: 1,
		sample_rate,
		bits_per_sample: 16,
		sample_format: hound::SampleFormat::Int,
	};
	let wav_err = |e: hound::Error| ExecError::Model(format!("writing WAV: {e}"));
	let mut bytes = Vec::new();
	let mut writer = hound::WavWriter::new(Cursor::new(&mut bytes), spec).map_err(wav_err)?;
	for c in text.chars() {
		let hz = pitch(c);
		for n in 0..per_note {
			let sample = match hz {
				None => 0,
				Some(hz) => {
					let envelope = if n < attack {
						n as f64 / attack as f64
					} else if per_note - n <= release {
						(per_note - n - 1) as f64 / release as f64
					} else {
						1.0
					};
					let t = n as f64 / f64::from(sample_rate);
					let v = (TAU * hz * t).sin() * envelope * AMPLITUDE * f64::from(i16::MAX);
					v.round() as i16
				}
			};
			writer.write_sample(sample).map_err(wav_err)?;
		}
	}
	writer.finalize().map_err(wav_err)?;
	Ok(Wav { bytes, samples: notes * per_note, duration_ms: notes * note_ms })
}

/// Run one `audio` step.
pub(crate) fn run_step(
	params: &Params<'_>,
	input: &Map<String, Value>,
) -> Result<StepOutput, ExecError> {
	let field = params.str_or("text_field", "text")?;
	let text = input_str(input, field, MAX_TEXT_BYTES)?;
	let note_ms = params.u64_in("note_ms", DEFAULT_NOTE_MS, NOTE_MS_RANGE.0, NOTE_MS_RANGE.1)?;
	let sample_rate = params.u64_in(
		"sample_rate",
		DEFAULT_SAMPLE_RATE,
		SAMPLE_RATE_RANGE.0,
		SAMPLE_RATE_RANGE.1,
	)?;
	let sample_rate =
		u32::try_from(sample_rate).map_err(|_| params.error("sample_rate", "is too large"))?;
	let duration = (text.chars().count() as u64).saturating_mul(note_ms);
	if duration > MAX_DURATION_MS {
		return Err(ExecError::input(
			format!("input.{field}"),
			format!(
				"gives {duration} ms of audio at {note_ms} ms a note; the limit is \
				 {MAX_DURATION_MS} ms"
			),
		));
	}
	let started = Instant::now();
	let wav = synthesize(text, note_ms, sample_rate)?;
	let compute = started.elapsed();
	let cid = havn_primitives::cid::cid_of(&wav.bytes);
	Ok(StepOutput {
		value: json!({
			"media_type": MEDIA_TYPE,
			"cid": cid,
			"sample_rate": sample_rate,
			"duration_ms": wav.duration_ms,
			"samples": wav.samples,
		}),
		blobs: vec![Blob { cid, media_type: MEDIA_TYPE.to_string(), bytes: wav.bytes }],
		compute,
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn step(params: Value, input: Value) -> Result<StepOutput, ExecError> {
		let params = params.as_object().unwrap().clone();
		run_step(&Params::new("tune", &params), input.as_object().unwrap())
	}

	#[test]
	fn writes_a_valid_wav_of_the_right_length() {
		let text = "Havn, ünïcode & rests";
		let out = step(json!({}), json!({ "text": text })).unwrap();
		let blob = &out.blobs[0];
		assert_eq!(blob.media_type, "audio/wav");
		assert_eq!(blob.cid, havn_primitives::cid::cid_of(&blob.bytes));
		assert_eq!(out.value["cid"], blob.cid.as_str());

		let reader = hound::WavReader::new(Cursor::new(&blob.bytes)).unwrap();
		let spec = reader.spec();
		assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (1, 16_000, 16));
		assert_eq!(spec.sample_format, hound::SampleFormat::Int);
		let chars = text.chars().count() as u64;
		assert_eq!(chars, 21);
		let samples = u64::from(reader.duration());
		assert_eq!(samples * 1000 / u64::from(spec.sample_rate), chars * DEFAULT_NOTE_MS);
		assert_eq!(out.value["duration_ms"], chars * DEFAULT_NOTE_MS);
		assert_eq!(out.value["samples"], samples);
		assert_eq!(out.value["sample_rate"], 16_000);

		// The sound is there: non-silent notes reach close to the amplitude, rests are silent.
		let pcm: Vec<i16> = reader.into_samples::<i16>().map(Result::unwrap).collect();
		let per_note = (16_000 * DEFAULT_NOTE_MS / 1000) as usize;
		let note = |i: usize| &pcm[i * per_note..(i + 1) * per_note];
		let peak = |s: &[i16]| s.iter().map(|x| x.unsigned_abs()).max().unwrap();
		assert!(peak(note(0)) > 15_000, "first note peak {}", peak(note(0)));
		assert_eq!(peak(note(5)), 0, "a space is a rest");
		// Notes start and end at silence (the envelope), so they do not click.
		assert!(note(0)[0].unsigned_abs() < 100 && note(0)[per_note - 1].unsigned_abs() < 100);
	}

	#[test]
	fn same_text_same_bytes_and_parameters_apply() {
		let a = step(json!({}), json!({ "text": "determinism" })).unwrap();
		let b = step(json!({}), json!({ "text": "determinism" })).unwrap();
		assert_eq!(a.blobs[0].bytes, b.blobs[0].bytes);
		assert_eq!(a.value, b.value);
		let c = step(json!({}), json!({ "text": "determinisn" })).unwrap();
		assert_ne!(a.blobs[0].cid, c.blobs[0].cid);

		let custom = step(
			json!({ "text_field": "lyrics", "note_ms": 250, "sample_rate": 44_100 }),
			json!({ "lyrics": "abcd" }),
		)
		.unwrap();
		let reader = hound::WavReader::new(Cursor::new(&custom.blobs[0].bytes)).unwrap();
		assert_eq!(reader.spec().sample_rate, 44_100);
		assert_eq!(reader.duration(), 4 * 44_100 / 4);
		assert_eq!(custom.value["duration_ms"], 1000);
	}

	#[test]
	fn refuses_bad_parameters_and_input() {
		let bad_manifest = |r: Result<StepOutput, ExecError>, what: &str| match r {
			Err(ExecError::BadManifest(m)) => assert!(m.contains(what), "{m}"),
			Err(e) => panic!("expected BadManifest about {what}, got {e}"),
			Ok(_) => panic!("expected BadManifest about {what}, got a WAV"),
		};
		bad_manifest(step(json!({ "sample_rate": 7_999 }), json!({ "text": "a" })), "sample_rate");
		bad_manifest(step(json!({ "sample_rate": 48_001 }), json!({ "text": "a" })), "sample_rate");
		bad_manifest(step(json!({ "note_ms": "long" }), json!({ "text": "a" })), "note_ms");
		let bad_input = |r: Result<StepOutput, ExecError>| match r {
			Err(ExecError::BadInput { field, .. }) => field,
			Err(e) => panic!("expected BadInput, got {e}"),
			Ok(_) => panic!("expected BadInput, got a WAV"),
		};
		assert_eq!(bad_input(step(json!({}), json!({ "txt": "a" }))), "input.text");
		assert_eq!(bad_input(step(json!({}), json!({ "text": 5 }))), "input.text");
		let long = "x".repeat(MAX_TEXT_BYTES + 1);
		assert_eq!(bad_input(step(json!({}), json!({ "text": long }))), "input.text");
		// 4,000 notes of 2 s is over the duration limit.
		let many = "x".repeat(4_000);
		assert_eq!(
			bad_input(step(json!({ "note_ms": 2_000 }), json!({ "text": many }))),
			"input.text"
		);
	}
}
