//! The SSRF callback listener: a tiny HTTP server on 127.0.0.1 that records the paths the
//! target requests. A finding needs the target to fetch palisade's unique token from it.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Listener {
    pub port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    pub fn start() -> std::io::Result<Listener> {
        let l = TcpListener::bind("127.0.0.1:0")?;
        l.set_nonblocking(true)?;
        let port = l.local_addr()?.port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s2, st2) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !st2.load(Ordering::Relaxed) {
                match l.accept() {
                    Ok((mut sock, _)) => {
                        let _ = sock.set_nonblocking(false);
                        let _ = sock.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut buf = [0u8; 2048];
                        let n = sock.read(&mut buf).unwrap_or(0);
                        let head = String::from_utf8_lossy(&buf[..n]);
                        if let Some(path) = head.lines().next().and_then(|l| l.split(' ').nth(1))
                            && let Ok(mut v) = s2.lock()
                            && v.len() < 10_000
                        {
                            v.push(path.to_owned());
                        }
                        let _ = sock.write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(Listener {
            port,
            seen,
            stop,
            thread: Some(thread),
        })
    }

    /// Whether a request for a path containing `token` arrived within `wait`.
    pub fn received(&self, token: &str, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        loop {
            if self
                .seen
                .lock()
                .map(|v| v.iter().any(|p| p.contains(token)))
                .unwrap_or(false)
            {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
