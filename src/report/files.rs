//! Report files written while the run goes: each is rewritten whole (temporary file +
//! rename, so a reader or a killed run never sees half a file), throttled so a large run
//! does not spend its time rewriting reports.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Writer;
use super::model::RunModel;
use crate::run::events::Event;

/// One report file: a pure function of the run model.
pub trait Render: Send {
    /// File name inside the report folder (`junit.xml`).
    fn file_name(&self) -> &str;
    fn render(&self, model: &RunModel) -> String;
    /// Written only once the run has finished (the conformance statement).
    fn at_end_only(&self) -> bool {
        false
    }
}

/// Writes `bytes` to `path` atomically: a temporary file next to it, flushed, then renamed
/// over the old one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.flush()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// A [`Writer`] keeping the run model and rewriting its report files: at `RunStarted`
/// (empty, valid reports), after a scenario or parse error when at least `interval` has
/// passed since the last write (and at least four times the last write's duration, so
/// large reports are not rewritten back to back), and always at `RunFinished`.
pub struct FileReports {
    dir: PathBuf,
    model: RunModel,
    renders: Vec<Box<dyn Render>>,
    interval: Duration,
    last_write: Option<Instant>,
    last_cost: Duration,
    dirty: bool,
}

impl FileReports {
    pub fn new(dir: impl Into<PathBuf>) -> FileReports {
        FileReports {
            dir: dir.into(),
            model: RunModel::new(),
            renders: Vec::new(),
            interval: Duration::from_millis(250),
            last_write: None,
            last_cost: Duration::ZERO,
            dirty: false,
        }
    }

    pub fn with(mut self, r: Box<dyn Render>) -> FileReports {
        self.renders.push(r);
        self
    }

    /// Minimum time between two rewrites during the run (`Duration::ZERO`: after every
    /// finished scenario, whatever a write costs).
    pub fn interval(mut self, d: Duration) -> FileReports {
        self.interval = d;
        self
    }

    pub fn model(&self) -> &RunModel {
        &self.model
    }

    /// Adds an event to the model without writing anything.
    pub fn model_apply(&mut self, event: &Event) {
        self.model.apply(event);
    }

    /// Writes every file now (the end-only ones too when `end` is set).
    pub fn write_all(&mut self, end: bool) -> std::io::Result<()> {
        let t0 = Instant::now();
        for r in &self.renders {
            if r.at_end_only() && !end {
                continue;
            }
            let text = r.render(&self.model);
            write_atomic(&self.dir.join(r.file_name()), text.as_bytes())?;
        }
        self.last_write = Some(Instant::now());
        self.last_cost = t0.elapsed();
        self.dirty = false;
        Ok(())
    }

    fn due(&self) -> bool {
        match self.last_write {
            None => true,
            Some(_) if self.interval.is_zero() => true,
            Some(t) => t.elapsed() >= self.interval.max(self.last_cost * 4),
        }
    }
}

impl Writer for FileReports {
    fn event(&mut self, event: &Event) -> std::io::Result<()> {
        self.model.apply(event);
        match event {
            Event::RunStarted(_) => self.write_all(false),
            Event::RunFinished(_) => self.write_all(true),
            Event::ScenarioFinished { .. } | Event::ParseError { .. } => {
                self.dirty = true;
                if self.due() {
                    self.write_all(false)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }
}

impl Drop for FileReports {
    /// A run that ends without `RunFinished` (a panic unwinding, an early return) still
    /// leaves its files up to date.
    fn drop(&mut self) {
        if self.dirty {
            let _ = self.write_all(false);
        }
    }
}
