//! The synthetic network: a seeded random generator, Zipf popularity, the accounts, nodes,
//! validators and workflows of a seeded history.

use super::*;

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
	/// A generator for `stream` under `seed`.
	pub fn new(seed: u64, stream: u64) -> Self {
		let mut rng = Self(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
		rng.next_u64();
		rng
	}

	/// The next 64 random bits.
	pub fn next_u64(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// Uniform in `0..n` (`0` when `n == 0`).
	pub fn below(&mut self, n: u64) -> u64 {
		if n == 0 {
			return 0;
		}
		((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
	}

	/// Uniform in `[0, 1)`.
	pub fn unit(&mut self) -> f64 {
		(self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
	}

	/// Standard normal (Box-Muller).
	pub fn normal(&mut self) -> f64 {
		let u = self.unit().max(f64::MIN_POSITIVE);
		let v = self.unit();
		(-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
	}

	/// `n` random bytes as 0x-hex.
	pub fn hex(&mut self, bytes: usize) -> String {
		let mut out = String::with_capacity(2 + bytes * 2);
		out.push_str("0x");
		const DIGITS: &[u8; 16] = b"0123456789abcdef";
		let mut left = bytes;
		while left > 0 {
			let word = self.next_u64().to_le_bytes();
			let take = left.min(8);
			for b in word.iter().take(take) {
				for nibble in [b >> 4, b & 0xf] {
					out.push(char::from(DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0')));
				}
			}
			left -= take;
		}
		out
	}

	/// A CIDv1-shaped name (`bafkrei` + 52 base32 characters).
	pub fn cid(&mut self) -> String {
		const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
		let mut out = String::with_capacity(59);
		out.push_str("bafkrei");
		for _ in 0..52 {
			let i = self.below(32) as usize;
			out.push(char::from(ALPHABET.get(i).copied().unwrap_or(b'a')));
		}
		out
	}
}

/// A Zipf distribution over `0..n` (rank `k` has weight `1 / (k + 1)^s`).
#[derive(Clone, Debug)]
pub struct Zipf {
	pub(crate) cdf: Vec<f64>,
}

impl Zipf {
	/// Over `0..n` with exponent `s`.
	pub fn new(n: u32, s: f64) -> Self {
		let mut total = 0.0;
		let mut cdf = Vec::with_capacity(n as usize);
		for k in 0..n {
			total += 1.0 / f64::from(k + 1).powf(s);
			cdf.push(total);
		}
		for c in &mut cdf {
			*c /= total;
		}
		Self { cdf }
	}

	/// A draw.
	pub fn sample(&self, rng: &mut Rng) -> u32 {
		let u = rng.unit();
		let i = self.cdf.partition_point(|c| *c <= u);
		i.min(self.cdf.len().saturating_sub(1)) as u32
	}
}

/// An account (canonical SS58) derived from `(seed, kind, index)`.
pub fn account(seed: u64, kind: u64, index: u64) -> String {
	let mut rng = Rng::new(seed ^ 0xACC0_0000, kind.wrapping_mul(1 << 40).wrapping_add(index));
	let mut raw = [0u8; 32];
	for chunk in raw.chunks_mut(8) {
		chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
	}
	AccountId32(raw).to_string()
}

/// An execution node of the population.
#[derive(Clone, Debug)]
pub struct NodeSpec {
	/// Account.
	pub account: String,
	/// Bonded class.
	pub class: ComputeClass,
	/// Bond, planck.
	pub bonded: u128,
	/// Registration block (`None`: bonded, never registered).
	pub registered: Option<u32>,
	/// Last heartbeat block.
	pub last_heartbeat: Option<u32>,
	/// Reputation, ppm (`None`: newcomer).
	pub reputation_ppm: Option<u32>,
}

/// A workflow of the population.
#[derive(Clone, Debug)]
pub struct WorkflowSpec {
	/// Owner (index into creators).
	pub owner: usize,
	/// Creator (index into creators).
	pub creator: usize,
	/// Kind.
	pub kind: &'static str,
	/// Smallest class.
	pub class: ComputeClass,
	/// Base fee, planck.
	pub base_fee: u128,
	/// Royalty split, ppm.
	pub royalty: RoyaltyPpm,
	/// Dependencies and weights (ppm, summing to 1,000,000).
	pub dependencies: Vec<(u32, u32)>,
	/// Parent.
	pub parent: Option<u32>,
	/// Lineage depth.
	pub depth: u32,
	/// Current version.
	pub version: u32,
	/// Publication block.
	pub created: u32,
}

/// The accounts, workflows and popularity of a seeded network; the same for the same config.
#[derive(Clone, Debug)]
pub struct Population {
	/// The configuration.
	pub config: SeedConfig,
	/// Workflow publishers.
	pub creators: Vec<String>,
	/// Job payers.
	pub payers: Vec<String>,
	/// Execution nodes.
	pub nodes: Vec<NodeSpec>,
	/// Validators (account, reputation ppm).
	pub validators: Vec<(String, u32)>,
	/// The relay that assigned the jobs.
	pub relay: String,
	/// Workflows by id.
	pub workflows: Vec<WorkflowSpec>,
	/// Popularity of workflows.
	pub workflow_zipf: Zipf,
	/// Popularity of payers.
	pub payer_zipf: Zipf,
	/// Nodes serving each class (`S`, `M`, `L`, `XL`).
	pub serving: [Vec<u32>; 4],
	/// The chain head.
	pub head: u32,
}

pub(crate) fn class_index(c: ComputeClass) -> usize {
	match c {
		ComputeClass::S => 0,
		ComputeClass::M => 1,
		ComputeClass::L => 2,
		ComputeClass::XL => 3,
	}
}

pub(crate) const CLASSES: [ComputeClass; 4] =
	[ComputeClass::S, ComputeClass::M, ComputeClass::L, ComputeClass::XL];

pub(crate) fn pick_class(rng: &mut Rng, weights: [u64; 4]) -> ComputeClass {
	let total: u64 = weights.iter().sum();
	let mut x = rng.below(total);
	for (class, w) in CLASSES.iter().zip(weights) {
		if x < w {
			return *class;
		}
		x -= w;
	}
	ComputeClass::S
}

/// Collateral floor of a class, planck.
pub fn collateral(c: ComputeClass) -> u128 {
	HAI * match c {
		ComputeClass::S => 2_000,
		ComputeClass::M => 5_000,
		ComputeClass::L => 9_000,
		ComputeClass::XL => 18_000,
	}
}

impl Population {
	/// The population of `config`.
	pub fn new(config: &SeedConfig) -> Result<Self, SeedError> {
		if config.workflows == 0 || config.creators == 0 || config.payers == 0 {
			return Err(SeedError::Invalid("workflows, creators and payers must be positive"));
		}
		if config.jobs_per_block == 0 {
			return Err(SeedError::Invalid("jobs_per_block must be positive"));
		}
		if config.validators < u32::from(config.quorum) || config.quorum == 0 {
			return Err(SeedError::Invalid("need at least `quorum` (> 0) validators"));
		}
		if config.open_jobs > config.jobs {
			return Err(SeedError::Invalid("open_jobs exceeds jobs"));
		}
		let seed = config.seed;
		let last_submit = submit_block(config, config.jobs.saturating_sub(1));
		let head = last_submit.saturating_add(3);
		let creators = (0..config.creators).map(|i| account(seed, 1, i.into())).collect();
		let payers = (0..config.payers).map(|i| account(seed, 2, i.into())).collect();
		let mut rng = Rng::new(seed, 3);
		let nodes: Vec<NodeSpec> = (0..config.nodes)
			.map(|i| {
				let class = pick_class(&mut rng, [40, 30, 20, 10]);
				let bonded = collateral(class) + u128::from(rng.below(1_000)) * HAI;
				let registered = (rng.below(100) >= 2).then(|| 1 + rng.below(head.into()) as u32);
				let last_heartbeat = registered.map(|r| {
					let x = rng.below(100);
					let hb = if x < 85 {
						head.saturating_sub(rng.below(101) as u32)
					} else if x < 95 {
						head.saturating_sub(101 + rng.below(2_000) as u32)
					} else {
						r
					};
					hb.max(r)
				});
				let reputation_ppm = (rng.below(100) >= 8).then(|| {
					let u = (rng.unit() + rng.unit() + rng.unit()) / 3.0;
					((0.72 + (u - 0.5) * 1.6).clamp(0.0, 0.999) * 1e6) as u32
				});
				NodeSpec {
					account: account(seed, 3, i.into()),
					class,
					bonded,
					registered,
					last_heartbeat,
					reputation_ppm,
				}
			})
			.collect();
		let mut serving: [Vec<u32>; 4] = Default::default();
		for (i, node) in nodes.iter().enumerate() {
			if node.registered.is_none() {
				continue;
			}
			for (job_class, list) in CLASSES.iter().zip(serving.iter_mut()) {
				if node.class.serves(*job_class) {
					list.push(i as u32);
				}
			}
		}
		let validators = (0..config.validators)
			.map(|i| (account(seed, 4, i.into()), 600_000 + rng.below(390_000) as u32))
			.collect();
		let mut workflows: Vec<WorkflowSpec> = Vec::with_capacity(config.workflows as usize);
		for id in 0..config.workflows {
			let creator = rng.below(config.creators.into()) as usize;
			let owner = if rng.below(100) < 5 {
				rng.below(config.creators.into()) as usize
			} else {
				creator
			};
			let kind = match rng.below(100) {
				0..60 => "workflow",
				60..85 => "model",
				85..95 => "lora",
				_ => "prompt",
			};
			let class = pick_class(&mut rng, [50, 25, 15, 10]);
			let fee_hai = (rng.normal() * 1.2).exp().clamp(0.01, 500.0);
			let base_fee = ((fee_hai * 1_000.0) as u128).max(1) * (HAI / 1_000);
			let royalty = if rng.below(100) < 70 {
				RoyaltyPpm {
					creator: 450_000,
					upstream: 200_000,
					node: 250_000,
					validators: 50_000,
					treasury: 50_000,
				}
			} else {
				let creator = 300_000 + rng.below(200_001) as u32;
				let upstream = 100_000 + rng.below(150_001) as u32;
				RoyaltyPpm {
					creator,
					upstream,
					node: 900_000 - creator - upstream,
					validators: 50_000,
					treasury: 50_000,
				}
			};
			let mut dependencies = Vec::new();
			if id > 0 && rng.below(100) < 30 {
				let n = 1 + rng.below(3) as u32;
				let mut left = 1_000_000u32;
				for k in 0..n {
					let dep = rng.below(id.into()) as u32;
					if dependencies.iter().any(|(d, _)| *d == dep) {
						continue;
					}
					let weight = if k + 1 == n { left } else { left / 2 };
					left -= weight;
					dependencies.push((dep, weight));
				}
				if left > 0 {
					if let Some(last) = dependencies.last_mut() {
						last.1 += left;
					}
				}
			}
			let parent = (id > 0 && rng.below(100) < 20).then(|| rng.below(id.into()) as u32);
			let depth =
				parent.and_then(|p| workflows.get(p as usize)).map(|p| p.depth + 1).unwrap_or(0);
			workflows.push(WorkflowSpec {
				owner,
				creator,
				kind,
				class,
				base_fee,
				royalty,
				dependencies,
				parent,
				depth,
				version: 1 + rng.below(3) as u32,
				created: 1 + id % (SETUP_BLOCKS - 10),
			});
		}
		Ok(Self {
			config: config.clone(),
			creators,
			payers,
			nodes,
			validators,
			relay: account(seed, 5, 0),
			workflows,
			workflow_zipf: Zipf::new(config.workflows, 1.0),
			payer_zipf: Zipf::new(config.payers, 0.8),
			serving,
			head,
		})
	}
}

/// Block job `id` was submitted in.
pub fn submit_block(config: &SeedConfig, id: u64) -> u32 {
	let offset = id / u64::from(config.jobs_per_block.max(1));
	SETUP_BLOCKS.saturating_add(1).saturating_add(u32::try_from(offset).unwrap_or(u32::MAX))
}
