//! `events.jsonl`: every event of the run as one JSON line, flushed per event — the
//! canonical record of a run. Every report (and `oir certify --from`) can be regenerated
//! from it; a run killed mid-way leaves every event up to the kill.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::Writer;
use crate::run::events::Event;

pub const FILE_NAME: &str = "events.jsonl";

pub struct EventLog {
    path: PathBuf,
    out: BufWriter<File>,
}

impl EventLog {
    /// Creates (truncates) `path`.
    pub fn create(path: &Path) -> std::io::Result<EventLog> {
        let f = File::create(path).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display()))
        })?;
        Ok(EventLog {
            path: path.to_path_buf(),
            out: BufWriter::new(f),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Writer for EventLog {
    fn event(&mut self, event: &Event) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, event)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: not an event: {message}")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
}

/// Reads an event log. A last line cut short by a kill (no newline, not JSON) is ignored;
/// any other unreadable line is an error naming file and line.
pub fn read_events(path: &Path) -> Result<Vec<Event>, ReadError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: name.clone(),
        source,
    })?;
    let complete = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let n = lines.len();
    let mut events = Vec::with_capacity(n);
    for (i, raw) in lines.iter().enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Event>(raw) {
            Ok(e) => events.push(e),
            Err(_) if i + 1 == n && !complete => break, // torn last line
            Err(e) => {
                return Err(ReadError::Parse {
                    path: name,
                    line: i + 1,
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(events)
}
