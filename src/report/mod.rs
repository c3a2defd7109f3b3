//! Reports: every one is a [`Writer`] of the run's single event stream
//! ([`crate::run::events`]). The runner hands each event to a [`Fanout`] of writers; a writer
//! keeps what it needs and writes its file as the run goes (atomically), so an interrupted run
//! still leaves valid, complete-so-far reports.

pub mod certify;
pub mod cucumber_json;
pub mod events_log;
pub mod files;
pub mod html;
pub mod junit;
pub mod mask;
pub mod model;
pub mod sample;
pub mod terminal;
mod xml_escape;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use certify::{certify, run_certify};
pub use events_log::{EventLog, read_events};
pub use files::{FileReports, Render};
pub use mask::Masked;
pub use terminal::Terminal;

use crate::run::events::Event;

/// A consumer of the run's events.
pub trait Writer: Send {
    /// Called for every event, in the order of the stream.
    fn event(&mut self, event: &Event) -> std::io::Result<()>;
}

/// Hands each event to every writer; a writer that fails (a full disk, say) is reported once
/// and dropped, the others go on. With masking on ([`Fanout::set_masking`]), every writer
/// sees the event with CPR numbers masked (masked once, shared by all).
#[derive(Default)]
pub struct Fanout {
    writers: Vec<(String, Box<dyn Writer>)>,
    /// Errors of writers that were dropped: (writer name, error).
    pub errors: Vec<(String, String)>,
    masking: bool,
}

impl Fanout {
    pub fn new() -> Fanout {
        Fanout::default()
    }

    /// Mask CPR numbers in every event before any writer sees it.
    pub fn set_masking(&mut self, on: bool) {
        self.masking = on;
    }

    pub fn masking(&self) -> bool {
        self.masking
    }

    /// Names of the writers still running.
    pub fn names(&self) -> Vec<&str> {
        self.writers.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn add(&mut self, name: impl Into<String>, w: Box<dyn Writer>) {
        self.writers.push((name.into(), w));
    }

    pub fn event(&mut self, event: &Event) {
        let masked;
        let event = if self.masking {
            masked = mask::mask_event(event);
            &*masked
        } else {
            event
        };
        let mut failed = Vec::new();
        for (i, (name, w)) in self.writers.iter_mut().enumerate() {
            if let Err(e) = w.event(event) {
                self.errors.push((name.clone(), e.to_string()));
                failed.push(i);
            }
        }
        for i in failed.into_iter().rev() {
            self.writers.remove(i);
        }
    }
}

/// Which reports [`standard_writers`] sets up.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Mask CPR numbers in every report (default on; off only on explicit request).
    pub mask: bool,
    /// The terminal writer: `None` for none (tests), or where it writes.
    pub terminal: TerminalChoice,
    /// Minimum time between two rewrites of the report files during the run.
    pub interval: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalChoice {
    /// No terminal output.
    None,
    /// Standard output; a progress bar (on stderr) when stderr is a terminal.
    Stdout,
    /// Standard output, one plain line per scenario (no progress bar).
    StdoutPlain,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions {
            mask: true,
            terminal: TerminalChoice::Stdout,
            interval: Duration::from_millis(250),
        }
    }
}

/// A report folder that cannot be created or written.
#[derive(Debug, thiserror::Error)]
#[error("report folder {dir}: {message}")]
pub struct ReportDirError {
    pub dir: PathBuf,
    pub message: String,
}

/// The file reports of a run directory, on one shared model: junit.xml, cucumber.json,
/// report.html, and at the end conformance.json and conformance.html.
pub fn file_reports(report_dir: &Path) -> FileReports {
    FileReports::new(report_dir)
        .with(Box::new(junit::Junit))
        .with(Box::new(cucumber_json::CucumberJson))
        .with(Box::new(html::Html))
        .with(Box::new(certify::Conformance {
            events: Some(report_dir.join(events_log::FILE_NAME)),
            html: false,
        }))
        .with(Box::new(certify::Conformance {
            events: Some(report_dir.join(events_log::FILE_NAME)),
            html: true,
        }))
}

/// Every writer of a run: `events.jsonl` (first, so the log has each event before any
/// report is written from it), the report files in `report_dir` and the terminal; CPR
/// masking on the whole fanout unless `opts.mask` is false. Creates `report_dir`.
pub fn standard_writers(report_dir: &Path, opts: &ReportOptions) -> Result<Fanout, ReportDirError> {
    let err = |message: String| ReportDirError {
        dir: report_dir.to_path_buf(),
        message,
    };
    std::fs::create_dir_all(report_dir).map_err(|e| err(format!("cannot create it: {e}")))?;
    if !report_dir.is_dir() {
        return Err(err("not a folder".into()));
    }
    let log = EventLog::create(&report_dir.join(events_log::FILE_NAME))
        .map_err(|e| err(format!("cannot write in it: {e}")))?;
    let mut f = Fanout::new();
    f.set_masking(opts.mask);
    f.add("events.jsonl", Box::new(log));
    f.add(
        "reports",
        Box::new(file_reports(report_dir).interval(opts.interval)),
    );
    match opts.terminal {
        TerminalChoice::None => {}
        TerminalChoice::Stdout => f.add("terminal", Box::new(Terminal::stdout())),
        TerminalChoice::StdoutPlain => f.add(
            "terminal",
            Box::new(Terminal::new(Box::new(std::io::stdout()), false)),
        ),
    }
    Ok(f)
}

/// Rewrites every report file of `run_dir` from its `events.jsonl` (after a killed run, or
/// with a newer oir). Masks unless `mask` is false.
pub fn regenerate(run_dir: &Path, mask: bool) -> Result<(), certify::CertifyError> {
    let events = read_events(&run_dir.join(events_log::FILE_NAME))?;
    let mut reports = file_reports(run_dir);
    for e in &events {
        let e = if mask {
            mask::mask_event(e)
        } else {
            std::borrow::Cow::Borrowed(e)
        };
        reports.model_apply(&e);
    }
    let end = reports.model().is_complete();
    reports
        .write_all(end)
        .map_err(|source| certify::CertifyError::Write {
            path: run_dir.display().to_string(),
            source,
        })
}
