//! Store benchmarks through `OAuthServer`: a client_credentials token request (client lookup,
//! secret check, token generation, `save_token`) and a bearer authentication
//! (`get_access_token`), per store.
//!
//! MemoryStore and SqliteStore (a temporary file) always run; PostgresStore and RedisStore run
//! when `OAUTH2_SERVER_TEST_POSTGRES_URL` / `OAUTH2_SERVER_TEST_REDIS_URL` are set (each in its
//! own schema / key prefix, dropped afterwards).
//!
//! After criterion's report, a timed loop prints ops/s, p50 and p99 per store and operation
//! (criterion reports means and medians, not tail latencies):
//!
//! ```text
//! cargo bench -p oauth2-server --all-features --bench stores -- --warm-up-time 1 --measurement-time 3
//! ```
#![allow(missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use criterion::Criterion;
use oauth2_server::{
    Client, ClientSecret, CoreModel, GrantType, MemoryStore, OAuthRequest, OAuthServer,
};

const CLIENT: &str = "bench";
const SECRET: &str = "bench-secret";
/// Iterations of the percentile loop, per store and operation.
const SAMPLES: usize = 2000;

fn client() -> Client {
    Client::confidential(CLIENT, ClientSecret::sha256(SECRET))
        .grants([GrantType::ClientCredentials])
        .scopes("read")
        .unwrap()
}

fn token_request() -> OAuthRequest {
    OAuthRequest::post_form(format!(
        "grant_type=client_credentials&client_id={CLIENT}&client_secret={SECRET}"
    ))
}

type Cleanup = Pin<Box<dyn Future<Output = ()>>>;
/// The percentile loop of one store, run after criterion.
type Report = Box<dyn FnOnce(&tokio::runtime::Runtime)>;

/// One store under test, behind a server with the client_credentials grant.
struct Subject<M: CoreModel> {
    name: &'static str,
    server: OAuthServer<M>,
    cleanup: Option<Cleanup>,
}

async fn issue<M: CoreModel>(server: &OAuthServer<M>) -> String {
    let resp = server.token_response(&token_request()).await;
    assert_eq!(resp.status(), 200, "{}", resp.body_str());
    let body: serde_json::Value = serde_json::from_str(resp.body_str()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

fn bearer(token: &str) -> OAuthRequest {
    OAuthRequest::get("").with_header("authorization", &format!("Bearer {token}"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Runs `op` SAMPLES times, one at a time, and prints throughput and latency percentiles.
async fn timed<F: Future<Output = ()>>(label: &str, mut op: impl FnMut() -> F) {
    let mut times = Vec::with_capacity(SAMPLES);
    let start = Instant::now();
    for _ in 0..SAMPLES {
        let t = Instant::now();
        op().await;
        times.push(t.elapsed());
    }
    let total = start.elapsed();
    times.sort();
    println!(
        "| {label} | {:.0} | {:.1} | {:.1} |",
        SAMPLES as f64 / total.as_secs_f64(),
        percentile(&times, 0.50).as_secs_f64() * 1e6,
        percentile(&times, 0.99).as_secs_f64() * 1e6,
    );
}

fn bench_subject<M: CoreModel>(
    c: &mut Criterion,
    rt: &tokio::runtime::Runtime,
    subject: Subject<M>,
    report: &mut Vec<Report>,
) {
    let Subject { name, server, cleanup } = subject;
    let server = std::sync::Arc::new(server);
    let token = rt.block_on(issue(&server));
    let mut group = c.benchmark_group(name);
    group.bench_function("client_credentials_token", |b| {
        b.to_async(rt).iter(|| async {
            let resp = server.token_response(&token_request()).await;
            assert_eq!(resp.status(), 200);
        })
    });
    group.bench_function("bearer_authenticate", |b| {
        b.to_async(rt).iter(|| async {
            server.authenticate(&bearer(&token), None).await.unwrap();
        })
    });
    group.finish();
    report.push(Box::new(move |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            timed(&format!("{name} | client_credentials token"), || async {
                let resp = server.token_response(&token_request()).await;
                assert_eq!(resp.status(), 200);
            })
            .await;
            timed(&format!("{name} | bearer authenticate"), || async {
                server.authenticate(&bearer(&token), None).await.unwrap();
            })
            .await;
            if let Some(cleanup) = cleanup {
                cleanup.await;
            }
        })
    }));
}

fn memory() -> Subject<MemoryStore<String>> {
    let store = MemoryStore::new();
    store.add_client(client());
    Subject {
        name: "memory",
        server: OAuthServer::builder(store).client_credentials().build().unwrap(),
        cleanup: None,
    }
}

/// A unique name part for the persistent stores' files, schemas and key prefixes.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
fn suffix() -> String {
    oauth2_server::GrantId::generate().to_string()[..12].to_owned()
}

#[cfg(feature = "sqlite")]
async fn sqlite() -> Subject<oauth2_server::SqliteStore<String>> {
    let path = std::env::temp_dir().join(format!("oauth2-bench-{}.db", suffix()));
    let store = oauth2_server::SqliteStore::open(&path).await.unwrap();
    store.migrate().await.unwrap();
    store.add_client(client()).await.unwrap();
    Subject {
        name: "sqlite",
        server: OAuthServer::builder(store).client_credentials().build().unwrap(),
        cleanup: Some(Box::pin(async move {
            for ext in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(ext);
                let _ = std::fs::remove_file(p);
            }
        })),
    }
}

#[cfg(feature = "postgres")]
async fn postgres(url: &str) -> Subject<oauth2_server::PostgresStore<String>> {
    let schema = format!("oauth2_bench_{}", suffix());
    let store = oauth2_server::PostgresStore::connect(url, &schema).await.unwrap();
    store.migrate().await.unwrap();
    store.add_client(client()).await.unwrap();
    let dropper = store.clone();
    Subject {
        name: "postgres",
        server: OAuthServer::builder(store).client_credentials().build().unwrap(),
        cleanup: Some(Box::pin(async move { dropper.drop_schema().await.unwrap() })),
    }
}

#[cfg(feature = "redis")]
async fn redis(url: &str) -> Subject<oauth2_server::RedisStore<String>> {
    let prefix = format!("oauth2-bench-{}", suffix());
    let store = oauth2_server::RedisStore::connect(url, &prefix).await.unwrap();
    store.migrate().await.unwrap();
    store.add_client(client()).await.unwrap();
    let dropper = store.clone();
    Subject {
        name: "redis",
        server: OAuthServer::builder(store).client_credentials().build().unwrap(),
        cleanup: Some(Box::pin(async move {
            dropper.delete_all().await.unwrap();
        })),
    }
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut c = Criterion::default().configure_from_args();
    let mut report = Vec::new();
    bench_subject(&mut c, &rt, memory(), &mut report);
    #[cfg(feature = "sqlite")]
    bench_subject(&mut c, &rt, rt.block_on(sqlite()), &mut report);
    #[cfg(feature = "postgres")]
    if let Ok(url) = std::env::var("OAUTH2_SERVER_TEST_POSTGRES_URL") {
        bench_subject(&mut c, &rt, rt.block_on(postgres(&url)), &mut report);
    } else {
        eprintln!("postgres: skipped (set OAUTH2_SERVER_TEST_POSTGRES_URL)");
    }
    #[cfg(feature = "redis")]
    if let Ok(url) = std::env::var("OAUTH2_SERVER_TEST_REDIS_URL") {
        bench_subject(&mut c, &rt, rt.block_on(redis(&url)), &mut report);
    } else {
        eprintln!("redis: skipped (set OAUTH2_SERVER_TEST_REDIS_URL)");
    }
    c.final_summary();

    println!("\n{SAMPLES} sequential operations per row:\n");
    println!("| store | operation | ops/s | p50 (µs) | p99 (µs) |");
    println!("|---|---|---|---|---|");
    for run in report {
        run(&rt);
    }
}
