//! The `embed` executor: all-MiniLM-L6-v2 sentence embeddings on candle.
//!
//! Exactly what sentence-transformers does for this model (`modules.json`: Transformer,
//! Pooling, Normalize; `1_Pooling/config.json`: mean tokens): BERT with the attention mask,
//! mean pooling over the unmasked tokens, L2 normalisation. Inputs are truncated to 256 tokens
//! (`sentence_bert_config.json`'s `max_seq_length`).
//!
//! Batching: the texts of one call are sorted by token count and cut into groups of similar
//! length ([`groups`]); each group is one forward pass, padded to its longest text, and the mask
//! keeps padding out of both attention and pooling. A call of texts of mixed lengths would
//! otherwise pad every text to the longest one: on the benchmark corpus (jobs of 32 texts of
//! 4 to 134 tokens) three quarters of the encoder's token slots were padding
//! (`scripts/bench-executors.sh`, docs/performance.md). A text's embedding does not depend on
//! the other texts of the call beyond the last bits of the f32 sums (see the tests).

use crate::{
	params::{check_len, f32_json, input_str, Params},
	ExecError, StepOutput, EMBED_MODEL, MODELS_HINT,
};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use serde_json::{json, Map, Value};
use std::{path::Path, time::Instant};
use tokenizers::{Tokenizer, TruncationParams};

/// Most texts in one call.
pub(crate) const MAX_TEXTS: usize = 256;
/// Longest text, in bytes.
pub(crate) const MAX_TEXT_BYTES: usize = 8 * 1024;
/// Longest tokenised text (the model's `max_seq_length`), in tokens.
pub(crate) const MAX_SEQ_TOKENS: usize = 256;
/// Most texts in one forward pass.
const MAX_GROUP_TEXTS: usize = 64;
/// Padding a group may add, in tokens: the larger of this and a quarter of the group's tokens.
const GROUP_PAD_SLACK: usize = 16;

/// The loaded model and its tokenizer.
pub(crate) struct Bert {
	model: BertModel,
	tokenizer: Tokenizer,
	pad_id: u32,
	device: Device,
	dimensions: usize,
}

fn read(path: &Path) -> Result<Vec<u8>, ExecError> {
	if !path.is_file() {
		return Err(ExecError::ModelMissing {
			path: path.display().to_string(),
			hint: MODELS_HINT,
		});
	}
	std::fs::read(path).map_err(|e| ExecError::model(&format!("reading {}", path.display()), e))
}

impl Bert {
	/// Load `config.json`, `tokenizer.json` and `model.safetensors` from `dir`.
	pub(crate) fn load(dir: &Path, device: &Device) -> Result<Self, ExecError> {
		let config_path = dir.join("config.json");
		let config: Config = serde_json::from_slice(&read(&config_path)?)
			.map_err(|e| ExecError::model(&format!("parsing {}", config_path.display()), e))?;

		let tokenizer_path = dir.join("tokenizer.json");
		let mut tokenizer = Tokenizer::from_bytes(read(&tokenizer_path)?)
			.map_err(|e| ExecError::model(&format!("parsing {}", tokenizer_path.display()), e))?;
		let pad_token = "[PAD]";
		let pad_id = tokenizer.token_to_id(pad_token).ok_or_else(|| {
			ExecError::Model(format!("{} has no {pad_token} token", tokenizer_path.display()))
		})?;
		// Padding is per group (see `embed`); the file's own fixed padding is turned off.
		tokenizer.with_padding(None);
		tokenizer
			.with_truncation(Some(TruncationParams {
				max_length: MAX_SEQ_TOKENS,
				..TruncationParams::default()
			}))
			.map_err(|e| ExecError::model("configuring truncation", e))?;

		let weights_path = dir.join("model.safetensors");
		let vb = VarBuilder::from_buffered_safetensors(read(&weights_path)?, DType::F32, device)
			.map_err(|e| ExecError::model(&format!("reading {}", weights_path.display()), e))?;
		let model = BertModel::load(vb, &config)
			.map_err(|e| ExecError::model(&format!("loading {}", weights_path.display()), e))?;
		tracing::info!(dir = %dir.display(), "embedding model loaded");
		Ok(Self {
			model,
			tokenizer,
			pad_id,
			device: device.clone(),
			dimensions: config.hidden_size,
		})
	}

	/// Embeddings of `texts` (see [`crate::Engine::embed`]); `field` names the texts in errors.
	pub(crate) fn embed(&self, texts: &[String], field: &str) -> Result<Vec<Vec<f32>>, ExecError> {
		if texts.is_empty() || texts.len() > MAX_TEXTS {
			return Err(ExecError::input(
				field,
				format!("has {} texts; give 1 to {MAX_TEXTS}", texts.len()),
			));
		}
		for (i, t) in texts.iter().enumerate() {
			check_len(&format!("{field}[{i}]"), t, MAX_TEXT_BYTES)?;
		}
		let encodings = self
			.tokenizer
			.encode_batch(texts.iter().map(String::as_str).collect::<Vec<_>>(), true)
			.map_err(|e| ExecError::model("tokenizing", e))?;
		let lens: Vec<usize> = encodings.iter().map(|e| e.get_ids().len()).collect();
		let mut out: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
		for group in groups(&lens) {
			let rows = self
				.forward(&group, &encodings)
				.map_err(|e| ExecError::model("running all-MiniLM-L6-v2", e))?;
			for (i, row) in group.into_iter().zip(rows) {
				if let Some(slot) = out.get_mut(i) {
					*slot = Some(row);
				}
			}
		}
		out.into_iter()
			.collect::<Option<Vec<_>>>()
			.ok_or_else(|| ExecError::Model("a text was left out of every batch".into()))
	}

	/// Mean-pooled, L2-normalised embeddings of `encodings[i]` for each `i` of `group`, in that
	/// order: one forward pass, padded to the group's longest text.
	fn forward(
		&self,
		group: &[usize],
		encodings: &[tokenizers::Encoding],
	) -> candle_core::Result<Vec<Vec<f32>>> {
		let members = group
			.iter()
			.map(|&i| encodings.get(i))
			.collect::<Option<Vec<_>>>()
			.ok_or_else(|| candle_core::Error::Msg("group index out of range".into()))?;
		let n = members.len();
		let len = members.iter().map(|e| e.get_ids().len()).max().unwrap_or(0);
		let mut ids = Vec::with_capacity(n * len);
		let mut mask = Vec::with_capacity(n * len);
		for e in &members {
			let (row_ids, row_mask) = (e.get_ids(), e.get_attention_mask());
			ids.extend_from_slice(row_ids);
			ids.resize(ids.len() + len - row_ids.len(), self.pad_id);
			mask.extend_from_slice(row_mask);
			mask.resize(mask.len() + len - row_mask.len(), 0);
		}
		let ids = Tensor::from_vec(ids, (n, len), &self.device)?;
		let type_ids = ids.zeros_like()?;
		let mask = Tensor::from_vec(mask, (n, len), &self.device)?;
		// (n, len, hidden)
		let hidden = self.model.forward(&ids, &type_ids, Some(&mask))?;
		// Mean over the unmasked tokens: (n, hidden).
		let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
		let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
		let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?;
		let mean = summed.broadcast_div(&counts)?;
		// L2 normalisation as torch.nn.functional.normalize (eps 1e-12).
		let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12f32, f32::MAX)?;
		mean.broadcast_div(&norms)?.to_vec2::<f32>()
	}
}

/// The forward passes of one call: indices into `lens` (token counts), each group one pass.
///
/// Texts are taken shortest first (ties in call order, so grouping is deterministic) and a
/// group grows while padding it to its longest text adds at most a quarter of its tokens, or
/// [`GROUP_PAD_SLACK`] tokens, and it holds fewer than [`MAX_GROUP_TEXTS`] texts.
fn groups(lens: &[usize]) -> Vec<Vec<usize>> {
	let mut order: Vec<(usize, usize)> = lens.iter().copied().zip(0..).collect();
	order.sort_unstable();
	let mut groups = Vec::new();
	let mut group: Vec<usize> = Vec::new();
	let mut tokens = 0usize;
	for (len, i) in order {
		// Sorted: `len` is the group's longest text if `i` joins.
		let padded = (group.len() + 1) * len;
		let real = tokens + len;
		let full = group.len() >= MAX_GROUP_TEXTS;
		if !group.is_empty() && (full || padded - real > (real / 4).max(GROUP_PAD_SLACK)) {
			groups.push(std::mem::take(&mut group));
			tokens = 0;
		}
		group.push(i);
		tokens += len;
	}
	if !group.is_empty() {
		groups.push(group);
	}
	groups
}

/// Cosine similarity of two unit vectors (their dot product).
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
	a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Run one `embed` step (plain or retrieval mode; see the crate docs of the manifest format).
pub(crate) fn run_step(
	bert: &Bert,
	params: &Params<'_>,
	input: &Map<String, Value>,
) -> Result<StepOutput, ExecError> {
	if let Some(documents) = params.strings_opt("documents")? {
		return retrieve(bert, params, input, documents);
	}
	let field = params.str_or("field", "texts")?;
	let (texts, what) = match input.get(field) {
		Some(Value::Array(items)) => {
			let texts = items
				.iter()
				.map(|v| v.as_str().map(str::to_owned))
				.collect::<Option<Vec<_>>>()
				.ok_or_else(|| ExecError::input(format!("input.{field}"), "must hold strings"))?;
			(texts, format!("input.{field}"))
		}
		Some(_) => return Err(ExecError::input(format!("input.{field}"), "must be an array")),
		None if input.contains_key("text") => {
			(vec![input_str(input, "text", MAX_TEXT_BYTES)?.to_owned()], "input.text".to_string())
		}
		None => {
			return Err(ExecError::input(
				format!("input.{field}"),
				"is missing (give an array of strings, or one string as input.text)",
			))
		}
	};
	let started = Instant::now();
	let embeddings = bert.embed(&texts, &what)?;
	let compute = started.elapsed();
	let embeddings: Vec<Value> = embeddings
		.iter()
		.map(|e| Value::Array(e.iter().copied().map(f32_json).collect()))
		.collect();
	Ok(StepOutput {
		value: json!({
			"model": EMBED_MODEL,
			"dimensions": bert.dimensions,
			"embeddings": embeddings,
		}),
		blobs: Vec::new(),
		compute,
	})
}

/// Retrieval mode: the `top_k` documents closest to the query, best first.
fn retrieve(
	bert: &Bert,
	params: &Params<'_>,
	input: &Map<String, Value>,
	documents: Vec<String>,
) -> Result<StepOutput, ExecError> {
	if documents.is_empty() || documents.len() + 1 > MAX_TEXTS {
		return Err(params.error("documents", format!("must hold 1 to {} strings", MAX_TEXTS - 1)));
	}
	for (i, d) in documents.iter().enumerate() {
		if d.len() > MAX_TEXT_BYTES {
			return Err(params.error(&format!("documents[{i}]"), "is longer than 8 KiB"));
		}
	}
	let top_k = params.u64_in("top_k", 1, 1, MAX_TEXTS as u64)? as usize;
	let query_field = params.str_or("query_field", "question")?;
	let query = input_str(input, query_field, MAX_TEXT_BYTES)?;

	let mut texts = Vec::with_capacity(documents.len() + 1);
	texts.push(query.to_owned());
	texts.extend(documents.iter().cloned());
	let started = Instant::now();
	let embeddings = bert.embed(&texts, "documents")?;
	let compute = started.elapsed();

	let (q, docs) = embeddings
		.split_first()
		.ok_or_else(|| ExecError::Model("no embedding for the query".into()))?;
	let mut scored: Vec<(usize, f32)> =
		docs.iter().enumerate().map(|(i, d)| (i, cosine(q, d))).collect();
	// Best first; equal scores keep document order, so the ranking is deterministic.
	scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
	let matches: Vec<Value> = scored
		.iter()
		.take(top_k)
		.filter_map(|&(i, score)| {
			documents.get(i).map(|text| json!({"index": i, "text": text, "score": f32_json(score)}))
		})
		.collect();
	Ok(StepOutput {
		value: json!({
			"model": EMBED_MODEL,
			"dimensions": bert.dimensions,
			"query": query,
			"matches": matches,
		}),
		blobs: Vec::new(),
		compute,
	})
}

#[cfg(test)]
mod tests {
	use super::{groups, GROUP_PAD_SLACK, MAX_GROUP_TEXTS};

	#[test]
	fn groups_partition_the_call_and_bound_the_padding() {
		// Token counts of a mixed call: short reviews, sentences, a few paragraphs.
		let lens: Vec<usize> = (0..200).map(|i| 3 + (i * 37 % 101) + (i % 7) * 20).collect();
		let passes = groups(&lens);
		let mut seen: Vec<usize> = passes.iter().flatten().copied().collect();
		seen.sort_unstable();
		assert_eq!(seen, (0..lens.len()).collect::<Vec<_>>(), "every text exactly once");
		for g in &passes {
			assert!(!g.is_empty() && g.len() <= MAX_GROUP_TEXTS);
			let real: usize = g.iter().map(|&i| lens[i]).sum();
			let padded = g.len() * g.iter().map(|&i| lens[i]).max().unwrap();
			assert!(padded - real <= (real / 4).max(GROUP_PAD_SLACK), "{g:?}");
		}
		// Far less padding than one pass padded to the longest text.
		let padded: usize =
			passes.iter().map(|g| g.len() * g.iter().map(|&i| lens[i]).max().unwrap()).sum();
		let real: usize = lens.iter().sum();
		assert!(padded * 10 < lens.len() * lens.iter().max().unwrap() * 7, "{padded} vs {real}");
		// Equal lengths form one group (up to the size cap), in call order.
		assert_eq!(groups(&[5, 5, 5]), vec![vec![0, 1, 2]]);
		assert_eq!(groups(&[40, 2, 40]), vec![vec![1], vec![0, 2]]);
		assert_eq!(groups(&vec![4; MAX_GROUP_TEXTS + 1]).len(), 2);
		assert!(groups(&[]).is_empty());
	}
}
