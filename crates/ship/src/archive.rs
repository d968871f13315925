//! Byte-reproducible `.tar.gz` archives: the same files give the same bytes on every
//! machine and run.
//!
//! - entries sorted by path (byte order), regular files only: no directory entries,
//!   like the archives `helm package` writes (Helm, Flux and GNU tar create the parent
//!   directories themselves);
//! - POSIX ustar headers (GNU long-name records for paths ustar cannot hold), mode 0644,
//!   uid and gid 0, empty user and group names;
//! - every entry's mtime is the same: `SOURCE_DATE_EPOCH` when set
//!   ([`source_date_epoch`]), else [`DEFAULT_MTIME`] (1980-01-01T00:00:00Z, the earliest
//!   time ZIP and many tools represent);
//! - gzip with no file name, mtime 0, OS byte "unknown" and compression level 9.

use std::collections::BTreeMap;
use std::io::{self, Write};

use flate2::{Compression, GzBuilder};

/// The entries' mtime when `SOURCE_DATE_EPOCH` is not set: 315532800, 1980-01-01T00:00:00Z.
pub const DEFAULT_MTIME: u64 = 315_532_800;

/// The environment variable of the reproducible-builds convention for a fixed build time.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// Mode of every file entry.
pub const FILE_MODE: u32 = 0o644;

/// The mtime for archive entries: `SOURCE_DATE_EPOCH` (decimal seconds since the Unix
/// epoch) when set and not empty, else [`DEFAULT_MTIME`]. An unparsable value is an error.
pub fn source_date_epoch() -> Result<u64, String> {
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(v) if !v.is_empty() => parse_epoch(&v),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(DEFAULT_MTIME),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(format!("{SOURCE_DATE_EPOCH} is not valid Unicode"))
        }
    }
}

fn parse_epoch(v: &str) -> Result<u64, String> {
    // ustar holds 11 octal digits of seconds.
    match v.parse::<u64>() {
        Ok(n) if n < 8u64.pow(11) && v.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!(
            "{SOURCE_DATE_EPOCH}={v:?} is not a number of seconds since 1970-01-01 (0 to 8589934591)"
        )),
    }
}

/// A reproducible `.tar.gz` of `files` (relative `/`-separated path to content; the
/// map's order is the entry order), every entry with mtime `mtime`.
pub fn tar_gz<C: AsRef<[u8]>>(files: &BTreeMap<String, C>, mtime: u64) -> io::Result<Vec<u8>> {
    let gz = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::best());
    let mut tar = tar::Builder::new(gz);
    for (path, content) in files {
        let content = content.as_ref();
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(FILE_MODE);
        header.set_uid(0);
        header.set_gid(0);
        header.set_username("")?;
        header.set_groupname("")?;
        header.set_mtime(mtime);
        header.set_size(content.len() as u64);
        tar.append_data(&mut header, path, content)?;
    }
    let gz = tar.into_inner()?;
    let mut bytes = gz.finish()?;
    bytes.flush()?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("b/x.yaml".to_owned(), b"x: 1\n".to_vec()),
            ("a.yaml".to_owned(), b"a: 1\n".to_vec()),
            (format!("c/{}.yaml", "n".repeat(150)), b"long\n".to_vec()),
        ])
    }

    #[test]
    fn same_files_same_bytes_and_sorted_plain_entries() {
        let one = tar_gz(&files(), DEFAULT_MTIME).unwrap();
        assert_eq!(one, tar_gz(&files(), DEFAULT_MTIME).unwrap());
        assert_ne!(one, tar_gz(&files(), 1_700_000_000).unwrap());
        // gzip header: magic, deflate, no flags (no name), mtime 0.
        assert_eq!(&one[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
        let mut tar = Vec::new();
        flate2::read::GzDecoder::new(&one[..])
            .read_to_end(&mut tar)
            .unwrap();
        let mut archive = tar::Archive::new(&tar[..]);
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let h = entry.header().clone();
            assert_eq!(h.entry_type(), tar::EntryType::Regular);
            assert_eq!(h.mode().unwrap(), 0o644);
            assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0));
            assert_eq!(h.mtime().unwrap(), DEFAULT_MTIME);
            assert_eq!(h.username().unwrap(), Some(""));
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            assert_eq!(files()[&path], content);
            seen.push(path);
        }
        let expected: Vec<String> = files().into_keys().collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn epochs_parse_strictly() {
        assert_eq!(parse_epoch("0"), Ok(0));
        assert_eq!(parse_epoch("1700000000"), Ok(1_700_000_000));
        assert!(parse_epoch("-1").is_err());
        assert!(parse_epoch("+5").is_err());
        assert!(parse_epoch("1e9").is_err());
        assert!(parse_epoch("99999999999").is_err());
    }
}
