//! Public pages that are the same for every visitor and change only when staff edit them (an
//! article of Inzichten), kept rendered for a few seconds.
//!
//! Why: an article page costs two queries, a Markdown rendering and a template per request;
//! served from memory it keeps up with a static file server. An edit on this instance clears
//! the cache at once; other instances show the change within the time to live. Only
//! successful pages are kept, so an article appears the moment it is published.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::body::Bytes;

/// More entries than this and the cache starts over (a crawler walking every slug).
const MAX_ENTRIES: usize = 512;

pub struct PageCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, Bytes)>>,
}

impl PageCache {
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The page under `key` when it was rendered less than the time to live ago.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        let (at, page) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| page.clone())
    }

    pub fn put(&self, key: String, page: Bytes) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key, (Instant::now(), page));
        }
    }

    /// After an edit: every page is rendered again.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_live_for_their_time_and_an_edit_clears_them() {
        let cache = PageCache::new(Duration::from_millis(50));
        cache.put("nl:a".into(), Bytes::from_static(b"A"));
        assert_eq!(cache.get("nl:a").as_deref(), Some(&b"A"[..]));
        assert_eq!(cache.get("en:a"), None);
        cache.clear();
        assert_eq!(cache.get("nl:a"), None);
        cache.put("nl:a".into(), Bytes::from_static(b"A"));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("nl:a"), None, "stale after the time to live");
    }
}
