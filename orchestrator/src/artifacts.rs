//! The content-addressed artifact store: `<data-dir>/artifacts/<cid>`.
//!
//! Every artifact is stored under its CIDv1 (raw codec, sha2-256, base32;
//! [`havn_primitives::cid::cid_of`]). A write goes to a unique temporary file in the same
//! directory, is synced, then renamed onto its final name: a reader never sees a half-written
//! artifact, a crash leaves at most a temporary file (removed at the next start), and
//! concurrent uploads of the same bytes all end with the same complete file.

use std::{
	io,
	path::{Path, PathBuf},
	sync::atomic::{AtomicU64, Ordering},
};
use tokio::io::AsyncWriteExt;

/// Prefix of temporary files.
const TMP_PREFIX: &str = ".tmp-";

/// Distinguishes the temporary files of concurrent writes in one process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The artifact directory.
#[derive(Clone, Debug)]
pub struct ArtifactStore {
	dir: PathBuf,
}

impl ArtifactStore {
	/// Open (creating it if needed) the store in `dir` and remove temporary files left by a
	/// crash.
	pub async fn open(dir: impl Into<PathBuf>) -> io::Result<Self> {
		let dir = dir.into();
		tokio::fs::create_dir_all(&dir).await?;
		let mut entries = tokio::fs::read_dir(&dir).await?;
		while let Some(entry) = entries.next_entry().await? {
			if entry.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
				tokio::fs::remove_file(entry.path()).await?;
			}
		}
		Ok(Self { dir })
	}

	/// The directory.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	/// Where the artifact `cid` (canonical form) lives.
	fn path_of(&self, cid: &str) -> PathBuf {
		self.dir.join(cid)
	}

	/// Store `bytes`; return their CID and whether this call wrote the file (`false` when it
	/// was already there).
	pub async fn put(&self, bytes: &[u8]) -> io::Result<(String, bool)> {
		let cid = havn_primitives::cid::cid_of(bytes);
		let path = self.path_of(&cid);
		if tokio::fs::try_exists(&path).await? {
			return Ok((cid, false));
		}
		let tmp = self.dir.join(format!(
			"{TMP_PREFIX}{cid}-{}-{}",
			std::process::id(),
			TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
		));
		let written = async {
			let mut file =
				tokio::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).await?;
			file.write_all(bytes).await?;
			file.sync_all().await?;
			drop(file);
			tokio::fs::rename(&tmp, &path).await
		}
		.await;
		if let Err(err) = written {
			let _ = tokio::fs::remove_file(&tmp).await;
			return Err(err);
		}
		Ok((cid, true))
	}

	/// The size of artifact `cid` (canonical form), if stored.
	pub async fn size(&self, cid: &str) -> io::Result<Option<u64>> {
		match tokio::fs::metadata(self.path_of(cid)).await {
			Ok(meta) => Ok(Some(meta.len())),
			Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(err) => Err(err),
		}
	}

	/// The bytes of artifact `cid` (canonical form), if stored.
	pub async fn get(&self, cid: &str) -> io::Result<Option<Vec<u8>>> {
		match tokio::fs::read(self.path_of(cid)).await {
			Ok(bytes) => Ok(Some(bytes)),
			Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(err) => Err(err),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[tokio::test]
	async fn put_get_and_crash_leftovers() {
		let dir = tempfile::tempdir().unwrap();
		let leftover = dir.path().join(format!("{TMP_PREFIX}half-written"));
		std::fs::write(&leftover, b"partial").unwrap();
		let store = ArtifactStore::open(dir.path()).await.unwrap();
		assert!(!leftover.exists());

		let (cid, created) = store.put(b"hello").await.unwrap();
		assert_eq!(cid, "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq");
		assert!(created);
		assert_eq!(store.put(b"hello").await.unwrap(), (cid.clone(), false));
		assert_eq!(store.get(&cid).await.unwrap().unwrap(), b"hello");
		assert_eq!(store.size(&cid).await.unwrap(), Some(5));
		let other = havn_primitives::cid::cid_of(b"other");
		assert_eq!(store.get(&other).await.unwrap(), None);
		// Only the artifact is left in the directory.
		assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
	}
}
