//! How `MemoryStore` behaves as it grows: authenticate latency and memory per live access
//! token from 10^3 to 10^6 live tokens (10^7 with `SCALE_MAX=7`), the expiry sweeps keeping a
//! long run bounded, and one vs two threads.
//!
//! ```text
//! cargo bench -p oauth2-server --bench scale              # the curve, 10^3 .. 10^6
//! SCALE_MAX=7 cargo bench -p oauth2-server --bench scale  # .. 10^7 (about 3 GiB, a minute)
//! SCALE_PURGE_SECS=20 cargo bench -p oauth2-server --bench scale -- purge
//! cargo bench -p oauth2-server --bench scale -- codes  # memory per code, 10^4 .. 10^6
//! cargo bench -p oauth2-server --bench scale -- threads        # authenticate, 1 and 2 threads
//! cargo bench -p oauth2-server --bench scale -- token_threads  # token issuance, 1 and 2 threads, 1 or 2 clients
//! ```
//!
//! Each size runs in a fresh child process, so that its RSS growth is its own. Times are CPU
//! time of the measuring thread (`/proc/thread-self/schedstat`), not wall-clock time, so that
//! other processes on a shared machine do not inflate them; wall-clock figures are printed
//! next to them.
//!
//! - `hot`: the same token every time (the HTTP harness' case);
//! - `random`: a different token each time, out of 4096 picked at random among the N live ones,
//!   visited in a shuffled order (a server with many active clients: cache misses grow with N).
#![allow(missing_docs)]

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant, SystemTime};

use oauth2_server::{
    s256_challenge, AccessTokenStore, AuthorizationCode, AuthorizationCodeStore, Client,
    ClientSecret, CodeChallenge, CodeRedemption, GrantId, GrantType, Issued, MemoryStore,
    NewTokens, OAuthRequest, OAuthServer, PkceMethod, Scope, Secret, Token,
};
use rand::seq::SliceRandom as _;

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

fn block_on<F: Future>(fut: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

type Server = OAuthServer<MemoryStore<String>>;

fn server(lifetime: Duration) -> Server {
    let store = MemoryStore::new();
    store.add_client(
        Client::confidential("bench-client", ClientSecret::sha256("bench-secret"))
            .grants([GrantType::ClientCredentials])
            .scopes("read write")
            .unwrap(),
    );
    OAuthServer::builder(store)
        .client_credentials()
        .access_token_lifetime(lifetime)
        .build()
        .unwrap()
}

/// Resident set size in bytes (`/proc/self/statm`, second field, in pages).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

/// CPU time of this thread, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|t| t.parse().ok()))
        .unwrap_or(0)
}

fn bearer(token: &str) -> OAuthRequest {
    OAuthRequest::get("").with_header("authorization", &format!("Bearer {token}"))
}

/// Fills a store with `n` live client_credentials-like access tokens (client id and scope
/// shared, as the server issues them): the values in `kept` (made before the RSS reading, so
/// that the bench's own copies do not count as the store's), then fresh ones.
fn fill(server: &Server, n: usize, kept: &[Secret]) {
    let client_id: Arc<str> = Arc::from("bench-client");
    let scope = Scope::parse("read write").unwrap();
    let now = SystemTime::now();
    let fresh = (kept.len()..n).map(|_| Secret::generate());
    for value in kept.iter().cloned().chain(fresh) {
        let tokens = NewTokens {
            access: Issued {
                value,
                data: Token {
                    client_id: client_id.clone(),
                    user: None,
                    scope: scope.clone(),
                    grant_id: None,
                    issued_at: now,
                    expires_at: now + Duration::from_secs(3600),
                },
            },
            refresh: None,
        };
        block_on(server.model().save_token(&tokens)).unwrap();
    }
}

/// Up to 4096 token values to look up later.
fn kept_values(n: usize) -> Vec<Secret> {
    (0..n.min(4096)).map(|_| Secret::generate()).collect()
}

/// Authenticates `reqs` round-robin `ops` times; returns (CPU ns/op, wall ns/op).
fn measure(server: &Server, reqs: &[OAuthRequest], ops: usize) -> (f64, f64) {
    let read = Scope::parse("read").unwrap();
    let (cpu0, wall0) = (thread_cpu_ns(), Instant::now());
    for i in 0..ops {
        let auth = block_on(server.authenticate(&reqs[i % reqs.len()], Some(&read)));
        assert!(auth.is_ok());
    }
    per_op(cpu0, wall0, ops)
}

/// (CPU ns/op, wall ns/op) of `ops` operations since `cpu0` and `wall0`.
fn per_op(cpu0: u64, wall0: Instant, ops: usize) -> (f64, f64) {
    let cpu = (thread_cpu_ns() - cpu0) as f64 / ops as f64;
    (cpu, wall0.elapsed().as_nanos() as f64 / ops as f64)
}

fn median(mut v: Vec<(f64, f64)>) -> (f64, f64) {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v[v.len() / 2]
}

/// One size, in this (child) process: prints one table row.
fn one_size(n: usize) {
    let server = server(Duration::from_secs(3600));
    let kept = kept_values(n);
    let before = rss();
    let fill_start = Instant::now();
    fill(&server, n, &kept);
    let fill_secs = fill_start.elapsed().as_secs_f64();
    let after = rss();
    assert_eq!(server.model().access_token_count(), n);
    let mut random: Vec<OAuthRequest> = kept.iter().map(|t| bearer(t.expose())).collect();
    random.shuffle(&mut rand::thread_rng());
    let hot = [bearer(kept[0].expose())];
    let ops = 400_000;
    measure(&server, &random, ops / 4); // warm-up
    let hot_t = median((0..5).map(|_| measure(&server, &hot, ops)).collect());
    let random_t = median((0..5).map(|_| measure(&server, &random, ops)).collect());
    println!(
        "| {n} | {:.0} | {:.0} ({:.0}) | {:.0} ({:.0}) | {:.1} | {:.1} |",
        (after.saturating_sub(before)) as f64 / n as f64,
        hot_t.0,
        hot_t.1,
        random_t.0,
        random_t.1,
        after as f64 / (1 << 20) as f64,
        fill_secs,
    );
}

/// `n` authorization codes, as `approve` issues them (user, shared client id and scope, a
/// redirect URI, an S256 challenge), saved into a fresh `MemoryStore` and then redeemed, in
/// this (child) process: prints one table row with the RSS growth per live code and the CPU
/// time per save and per redemption.
fn one_code_size(n: usize) {
    let store: MemoryStore<String> = MemoryStore::new();
    let client_id: Arc<str> = Arc::from("bench-client");
    let scope = Scope::parse("read").unwrap();
    let challenge = CodeChallenge {
        method: PkceMethod::S256,
        challenge: s256_challenge("bench-verifier-0123456789-0123456789-abcdefgh"),
    };
    let values: Vec<Secret> = (0..n).map(|_| Secret::generate()).collect();
    let now = SystemTime::now();
    let before = rss();
    let (cpu0, wall0) = (thread_cpu_ns(), Instant::now());
    for value in &values {
        let code = Issued {
            value: value.clone(),
            data: AuthorizationCode {
                client_id: client_id.clone(),
                user: "alice".to_owned(),
                scope: scope.clone(),
                redirect_uri: Some("http://127.0.0.1/cb".to_owned()),
                challenge: Some(challenge.clone()),
                grant_id: GrantId::generate(),
                issued_at: now,
                expires_at: now + Duration::from_secs(600),
            },
        };
        block_on(store.save_authorization_code(code)).unwrap();
    }
    let save = per_op(cpu0, wall0, n);
    let after = rss();
    let (cpu0, wall0) = (thread_cpu_ns(), Instant::now());
    for value in &values {
        let taken = block_on(store.take_authorization_code(value.expose())).unwrap();
        assert!(matches!(taken, CodeRedemption::Redeemed(_)));
    }
    let redeem = per_op(cpu0, wall0, n);
    println!(
        "| {n} | {:.0} | {:.0} ({:.0}) | {:.0} ({:.0}) | {:.1} |",
        (after.saturating_sub(before)) as f64 / n as f64,
        save.0,
        save.1,
        redeem.0,
        redeem.1,
        after as f64 / (1 << 20) as f64,
    );
}

/// The code table of [`one_code_size`], 10^4 to 10^6 codes, each size in a fresh process.
fn codes() {
    println!(
        "| live codes | RSS growth B/code | save: CPU ns/op (wall) | redeem: CPU ns/op (wall) | RSS MiB |"
    );
    println!("|---:|---:|---:|---:|---:|");
    each_size_in_a_child("SCALE_CODES_N", 4..=6);
}

/// Runs this bench again for n = 10^exp, each exp in `exps`, with `var` = n: each size in a
/// fresh process, so that its RSS growth is its own. A failed child gets a row saying so.
fn each_size_in_a_child(var: &str, exps: std::ops::RangeInclusive<u32>) {
    let exe = std::env::current_exe().unwrap();
    for exp in exps {
        let n = 10usize.pow(exp);
        let status = std::process::Command::new(&exe).env(var, n.to_string()).status();
        if !status.as_ref().is_ok_and(|s| s.success()) {
            println!("| {n} | (failed: {status:?}) |");
        }
    }
}

/// Tokens living 1 s issued through `token()` as fast as possible for `secs` seconds: the
/// live count and RSS stay bounded (a sweep of one shard every 1024 writes or more, plus a
/// `purge_expired` every second here).
fn purge(secs: u64) {
    let server = server(Duration::from_secs(1));
    let req = OAuthRequest::post_form("grant_type=client_credentials&scope=read")
        .with_header("authorization", "Basic YmVuY2gtY2xpZW50OmJlbmNoLXNlY3JldA==");
    println!("| second | issued (total) | live access tokens | RSS MiB |");
    println!("|---:|---:|---:|---:|");
    let start = Instant::now();
    let mut issued = 0u64;
    for second in 1..=secs {
        while start.elapsed() < Duration::from_secs(second) {
            for _ in 0..256 {
                block_on(server.token(&req)).unwrap();
            }
            issued += 256;
        }
        let live_before_purge = server.model().access_token_count();
        let purged = server.model().purge_expired();
        println!(
            "| {second} | {issued} | {live_before_purge} (purge_expired removed {purged}) | {:.1} |",
            rss() as f64 / (1 << 20) as f64
        );
    }
}

/// Authenticate throughput with 1 and 2 threads (random tokens of a 10^5 store).
fn threads() {
    let server = Arc::new(server(Duration::from_secs(3600)));
    let kept = kept_values(100_000);
    fill(&server, 100_000, &kept);
    let read = Scope::parse("read").unwrap();
    println!("| threads | ops/s (wall) |");
    println!("|---:|---:|");
    for threads in [1usize, 2] {
        let ops = 1_000_000;
        let start = Instant::now();
        std::thread::scope(|s| {
            for t in 0..threads {
                let (server, kept, read) = (&server, &kept, &read);
                s.spawn(move || {
                    let reqs: Vec<_> = kept.iter().skip(t).map(|v| bearer(v.expose())).collect();
                    for i in 0..ops {
                        assert!(block_on(server.authenticate(&reqs[i % reqs.len()], Some(read)))
                            .is_ok());
                    }
                });
            }
        });
        let rate = (ops * threads) as f64 / start.elapsed().as_secs_f64();
        println!("| {threads} | {rate:.0} |");
    }
}

/// client_credentials token throughput with 1 and 2 threads, every thread for the same client
/// (the HTTP harness' case: one client, whose `Arc`s and lock lines both threads share) or each
/// for its own. Tokens live 2 s, so the sweeps keep the store bounded. CPU is the threads' own
/// (`/proc/thread-self/schedstat`): what sharing costs shows there even when the wall clock is
/// noisy.
fn token_threads() {
    let server = server(Duration::from_secs(2));
    server.model().add_client(
        Client::confidential("bench-client-2", ClientSecret::sha256("bench-secret"))
            .grants([GrantType::ClientCredentials])
            .scopes("read write")
            .unwrap(),
    );
    let request = |client: &str| {
        OAuthRequest::post_form(format!(
            "grant_type=client_credentials&scope=read&client_id={client}&client_secret=bench-secret"
        ))
    };
    let reqs = [request("bench-client"), request("bench-client-2")];
    println!("| threads | clients | tokens/s (wall) | CPU ns/token |");
    println!("|---:|---:|---:|---:|");
    for (threads, clients) in [(1usize, 1usize), (2, 1), (2, 2), (1, 1), (2, 1), (2, 2)] {
        let ops = 1_000_000;
        let start = Instant::now();
        let cpu: u64 = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (server, req) = (&server, &reqs[t % clients]);
                    s.spawn(move || {
                        let cpu = thread_cpu_ns();
                        for _ in 0..ops {
                            block_on(server.token(req)).unwrap();
                        }
                        thread_cpu_ns() - cpu
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        let rate = (ops * threads) as f64 / start.elapsed().as_secs_f64();
        let cpu_per_op = cpu as f64 / (ops * threads) as f64;
        println!("| {threads} | {clients} | {rate:.0} | {cpu_per_op:.0} |");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if let Some(n) = std::env::var("SCALE_N").ok().and_then(|n| n.parse().ok()) {
        return one_size(n);
    }
    if let Some(n) = std::env::var("SCALE_CODES_N").ok().and_then(|n| n.parse().ok()) {
        return one_code_size(n);
    }
    if args.iter().any(|a| a == "codes") {
        return codes();
    }
    if args.iter().any(|a| a == "purge") {
        let secs = std::env::var("SCALE_PURGE_SECS").ok().and_then(|s| s.parse().ok());
        return purge(secs.unwrap_or(10));
    }
    if args.iter().any(|a| a == "token_threads") {
        return token_threads();
    }
    if args.iter().any(|a| a == "threads") {
        return threads();
    }
    let max: u32 = std::env::var("SCALE_MAX").ok().and_then(|m| m.parse().ok()).unwrap_or(6);
    println!(
        "| live tokens | RSS growth B/token | hot: CPU ns/op (wall) | random: CPU ns/op (wall) | RSS MiB | fill s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    each_size_in_a_child("SCALE_N", 3..=max);
}
