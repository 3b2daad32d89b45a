//! Group commit: rows that many requests want written at once are written by one task per
//! database, everything queued in one transaction. At the daily release hundreds of
//! citizens book in the same second; one transaction each made them queue for the
//! database's writer (SQLite has one; PostgreSQL pays a commit and its round trips each).
//!
//! A [`Group`] is one database's queue, kept with the database (`Db::kept`) or its owner
//! (the outbox). [`Group::push`] queues an item and says whether
//! the caller must start the writer; the writer takes batch after batch from its
//! [`Drain`] until nothing is left. Dropping the drain (the writer ended, panicked or its
//! runtime shut down) drops what is still queued, so no item waits for a writer that is
//! gone, and the next push starts a new one.
use std::sync::{Arc, Mutex, MutexGuard};

/// One database's queue.
struct Queue<T> {
    pending: Vec<T>,
    /// A writer is running (it takes what is queued until nothing is).
    writing: bool,
}

// Not derived: that would ask `T: Default`.
impl<T> Default for Queue<T> {
    fn default() -> Self {
        Self {
            pending: Vec::new(),
            writing: false,
        }
    }
}

/// A queue shared by its pushers and its writer.
type Shared<T> = Arc<Mutex<Queue<T>>>;

/// One database's queue of items of type `T`.
pub struct Group<T> {
    queue: Shared<T>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<T> Group<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            queue: Arc::new(Mutex::new(Queue::default())),
        }
    }

    /// Queues `item`. Returns the drain to write with when no writer is running: the
    /// caller must then start one (a task of its own, since the request that started it
    /// may be dropped while others still wait on it).
    pub fn push(&self, item: T) -> Option<Drain<T>> {
        let mut q = lock(&self.queue);
        q.pending.push(item);
        if std::mem::replace(&mut q.writing, true) {
            return None;
        }
        drop(q);
        Some(Drain(self.queue.clone()))
    }
}

impl<T> Default for Group<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The writer's end of one database's queue.
pub struct Drain<T>(Shared<T>);

impl<T> Drain<T> {
    /// Everything queued since the last batch; `None` when nothing is, which ends the
    /// writer (the next push starts another).
    pub fn next_batch(&mut self) -> Option<Vec<T>> {
        let mut q = lock(&self.0);
        if q.pending.is_empty() {
            q.writing = false;
            return None;
        }
        Some(std::mem::take(&mut q.pending))
    }
}

impl<T> Drop for Drain<T> {
    fn drop(&mut self) {
        let mut q = lock(&self.0);
        if !q.writing {
            return;
        }
        q.writing = false;
        // Whatever waits on these (a reply channel) learns that nobody will write them.
        q.pending.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_takes_everything_queued_meanwhile() {
        let group = Group::new();
        let mut a = group.push(1).expect("the first push starts the writer");
        assert!(group.push(2).is_none(), "a writer runs already");
        let other = Group::new();
        let mut b = other.push(10).expect("another database, another writer");
        assert_eq!(a.next_batch(), Some(vec![1, 2]));
        assert!(group.push(3).is_none());
        assert_eq!(a.next_batch(), Some(vec![3]));
        assert_eq!(a.next_batch(), None);
        assert_eq!(b.next_batch(), Some(vec![10]));
        // The writer ended: the next push starts a new one.
        let mut a2 = group.push(4).expect("a new writer");
        assert_eq!(a2.next_batch(), Some(vec![4]));
    }

    #[test]
    fn a_writer_that_dies_drops_what_waits_and_lets_the_next_push_start_another() {
        let group = Group::new();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let writer = group.push(None).expect("writer");
        assert!(group.push(Some(tx)).is_none());
        drop(writer);
        // The queued item (and its sender) is gone: the waiter hears so.
        assert!(rx.recv().is_err());
        assert!(group.push(None).is_some());
    }
}
