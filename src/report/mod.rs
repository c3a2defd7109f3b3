//! Reports: every one is a [`Writer`] of the run's single event stream
//! ([`crate::run::events`]). The runner hands each event to a [`Fanout`] of writers; a writer
//! keeps what it needs and writes its file as the run goes (atomically), so an interrupted run
//! still leaves valid, complete-so-far reports.

pub mod mask;

use crate::run::events::Event;

/// A consumer of the run's events.
pub trait Writer: Send {
    /// Called for every event, in the order of the stream.
    fn event(&mut self, event: &Event) -> std::io::Result<()>;
}

/// Hands each event to every writer; a writer that fails (a full disk, say) is reported once
/// and dropped, the others go on.
#[derive(Default)]
pub struct Fanout {
    writers: Vec<(String, Box<dyn Writer>)>,
    /// Errors of writers that were dropped: (writer name, error).
    pub errors: Vec<(String, String)>,
}

impl Fanout {
    pub fn new() -> Fanout {
        Fanout::default()
    }

    pub fn add(&mut self, name: impl Into<String>, w: Box<dyn Writer>) {
        self.writers.push((name.into(), w));
    }

    pub fn event(&mut self, event: &Event) {
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
