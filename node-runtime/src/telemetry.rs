//! Hardware facts and energy: NVML where an NVIDIA GPU and its driver are present, the CPU
//! otherwise.
//!
//! - Capabilities (registered with `StakeGuard::register_node`): GPU model and VRAM (GiB) from
//!   NVML; on a CPU node the GPU model is `cpu: <N> cores` and VRAM is 0, so the record says
//!   plainly that no GPU is present.
//! - Heartbeat metrics: utilisation (%), memory in use (MiB), power (mW) and temperature (°C)
//!   of GPU 0 from NVML; none on CPU nodes.
//! - Energy of a run, in millijoules: with NVML, the mean of the power readings taken before and
//!   after the run × its duration (NVML's total-energy counter is used where the GPU has one);
//!   without a GPU, `busy cores × cpu_watts × duration` (an estimate: `cpu_watts` defaults to
//!   15 W per busy core, a typical server core at full load, and is configurable).

use nvml_wrapper::{enum_wrappers::device::TemperatureSensor, Nvml};

/// GPU metrics as StakeGuard's heartbeat takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GpuReading {
	/// Utilisation, percent.
	pub utilization_percent: u8,
	/// Memory in use, MiB.
	pub memory_used_mib: u32,
	/// Power draw, mW.
	pub power_milliwatts: u32,
	/// Temperature, °C.
	pub temperature_c: u8,
}

/// The node's hardware.
pub struct Telemetry {
	nvml: Option<Nvml>,
	cpu_watts: f64,
	cores: usize,
}

impl Telemetry {
	/// Probe for NVML; fall back to the CPU.
	pub fn probe(cpu_watts: f64) -> Self {
		let nvml = match Nvml::init() {
			Ok(nvml) => match nvml.device_count() {
				Ok(n) if n > 0 => Some(nvml),
				_ => None,
			},
			Err(e) => {
				tracing::info!(reason = %e, "no NVML: reporting a CPU node");
				None
			}
		};
		let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
		Self { nvml, cpu_watts, cores }
	}

	/// `(gpu_model, vram_gib)` for the capabilities record.
	pub fn capabilities(&self) -> (String, u32) {
		if let Some(nvml) = &self.nvml {
			if let Ok(dev) = nvml.device_by_index(0) {
				let name = dev.name().unwrap_or_else(|_| "NVIDIA GPU".into());
				let vram = dev
					.memory_info()
					.map(|m| u32::try_from(m.total / (1024 * 1024 * 1024)).unwrap_or(u32::MAX))
					.unwrap_or(0);
				return (name, vram);
			}
		}
		(format!("cpu: {} cores", self.cores), 0)
	}

	/// Whether a GPU was found.
	pub fn has_gpu(&self) -> bool {
		self.nvml.is_some()
	}

	/// Current GPU metrics, if there is a GPU.
	pub fn reading(&self) -> Option<GpuReading> {
		let dev = self.nvml.as_ref()?.device_by_index(0).ok()?;
		let util = dev.utilization_rates().map(|u| u.gpu).unwrap_or(0);
		let mem = dev.memory_info().map(|m| m.used / (1024 * 1024)).unwrap_or(0);
		let power = dev.power_usage().unwrap_or(0);
		let temp = dev.temperature(TemperatureSensor::Gpu).unwrap_or(0);
		Some(GpuReading {
			utilization_percent: u8::try_from(util.min(100)).unwrap_or(100),
			memory_used_mib: u32::try_from(mem).unwrap_or(u32::MAX),
			power_milliwatts: power,
			temperature_c: u8::try_from(temp.min(255)).unwrap_or(u8::MAX),
		})
	}

	/// Start measuring a run.
	pub fn start(&self) -> EnergyMeter {
		let dev = self.nvml.as_ref().and_then(|n| n.device_by_index(0).ok());
		EnergyMeter {
			start: std::time::Instant::now(),
			energy_mj: dev.as_ref().and_then(|d| d.total_energy_consumption().ok()),
			power_mw: dev.as_ref().and_then(|d| d.power_usage().ok()),
		}
	}

	/// The run's latency and energy since `meter` started: `(ms, mJ)`, leaving out `waited`,
	/// the time the run waited for the model slot while another job's model step ran (jobs run
	/// side by side; the figures are this job's own). The device's energy counter covers the
	/// whole window, so its reading is scaled by the share of the window the run was active.
	pub fn finish(&self, meter: EnergyMeter, waited: std::time::Duration) -> (u64, u64) {
		let window = meter.start.elapsed();
		let active = window.saturating_sub(waited);
		let elapsed_ms = u64::try_from(active.as_millis()).unwrap_or(u64::MAX);
		let dev = self.nvml.as_ref().and_then(|n| n.device_by_index(0).ok());
		if let Some(dev) = dev {
			if let (Some(before), Ok(after)) = (meter.energy_mj, dev.total_energy_consumption()) {
				let share = active.as_secs_f64() / window.as_secs_f64().max(f64::MIN_POSITIVE);
				return (elapsed_ms, (after.saturating_sub(before) as f64 * share) as u64);
			}
			if let (Some(before), Ok(after)) = (meter.power_mw, dev.power_usage()) {
				let mean_mw = (u64::from(before) + u64::from(after)) / 2;
				// mW × ms = µJ; /1000 → mJ.
				return (elapsed_ms, mean_mw.saturating_mul(elapsed_ms) / 1000);
			}
		}
		// W × ms = mJ.
		let watts = self.cpu_watts * self.cores as f64;
		(elapsed_ms, (watts * elapsed_ms as f64) as u64)
	}
}

/// A run being measured.
pub struct EnergyMeter {
	start: std::time::Instant,
	energy_mj: Option<u64>,
	power_mw: Option<u32>,
}
