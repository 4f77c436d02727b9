//! The demo authorization server (the "Demo server contract" in docs/ARCHITECTURE.md):
//!
//! ```text
//! cargo run --release --example server -- --config PATH --addr 127.0.0.1:PORT
//! ```
//!
//! Without flags: the built-in demo config on 127.0.0.1:3000, state in memory. `--store` keeps
//! it in SQLite (`sqlite://PATH`), PostgreSQL (`postgres://...[?schema=NAME]`) or Redis
//! (`redis://...[?prefix=NAME]`) instead: see `examples/server/store.rs`. `WORKERS` sets the number of
//! tokio worker threads (default: all cores; 1 runs a single-threaded runtime). Stops on Ctrl-C
//! or SIGTERM. The code lives in the examples library (`examples/server/mod.rs`), which the
//! end-to-end tests run too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;

use oauth2_server::OAuthServer;
use oauth2_server_examples::server::store::{open_postgres, open_redis, open_sqlite};
use oauth2_server_examples::server::{
    build_server, build_server_with, curl_lines, router, serve, shutdown_signal, DemoConfig,
    DemoStore, StoreUrl,
};

const USAGE: &str = "usage: server [--config PATH] [--addr HOST:PORT] [--store STORE]
  --config PATH   JSON configuration (default: the built-in demo config)
  --addr ADDR     address to listen on (default: 127.0.0.1:3000)
  --store STORE   where clients, users, codes and tokens live (default: memory):
                    memory
                    sqlite://PATH                          (sqlite:///abs/path for an absolute one)
                    postgres://USER@HOST:PORT/DB[?schema=NAME]   (default schema: oauth2)
                    redis://HOST:PORT[/DB][?prefix=NAME]         (default key prefix: oauth2)
                  a persistent store is migrated on start, then the config's clients and users
                  are written to it (replacing those with the same id / username); servers
                  given the same store share tokens and codes
environment: WORKERS = tokio worker threads (default: all cores)";

struct Args {
    config: Option<String>,
    addr: SocketAddr,
    store: StoreUrl,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut out = Args {
        config: None,
        addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
        store: StoreUrl::Memory,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value =
            || inline.clone().or_else(|| args.next()).ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--config" => out.config = Some(value()?),
            "--addr" => {
                let v = value()?;
                out.addr = v.parse().map_err(|_| {
                    format!("--addr {v:?}: expected HOST:PORT, e.g. 127.0.0.1:3000")
                })?;
            }
            "--store" => out.store = StoreUrl::parse(&value()?)?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(out)
}

fn workers() -> usize {
    std::env::var("WORKERS")
        .ok()
        .and_then(|w| w.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            return if msg.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    let config = match &args.config {
        None => DemoConfig::builtin(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: cannot read {path}: {e}");
                    return ExitCode::from(2);
                }
            };
            match DemoConfig::from_json(&text) {
                Ok(config) => config,
                Err(e) => {
                    eprintln!("error: {path}: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let workers = workers();
    // One worker: a single-threaded runtime, no cross-thread wake-ups.
    let runtime = if workers == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), Box<dyn std::error::Error>> = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
        let addr = listener.local_addr()?;
        // Listening on all interfaces: name the loopback address in the default issuer and
        // the curl lines (an http issuer must be a loopback one).
        let local = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                SocketAddr::from((Ipv6Addr::LOCALHOST, addr.port()))
            }
            _ => addr,
        };
        let issuer = format!("http://{local}");
        let run = Run { listener, config: &config, local, workers, store: args.store.describe() };
        // One server per store type; the rest of the code is generic over the store.
        match &args.store {
            StoreUrl::Memory => run.serve(build_server(&config, &issuer)?).await,
            StoreUrl::Sqlite(path) => {
                let store = open_sqlite(path).await?;
                run.serve(build_server_with(store, &config, &issuer).await?).await
            }
            StoreUrl::Postgres { url, schema } => {
                let store = open_postgres(url, schema).await?;
                run.serve(build_server_with(store, &config, &issuer).await?).await
            }
            StoreUrl::Redis { url, prefix } => {
                let store = open_redis(url, prefix).await?;
                run.serve(build_server_with(store, &config, &issuer).await?).await
            }
        }
    });
    match result {
        Ok(()) => {
            eprintln!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A bound listener waiting for its server.
struct Run<'a> {
    listener: tokio::net::TcpListener,
    config: &'a DemoConfig,
    /// The listening address, loopback instead of unspecified.
    local: SocketAddr,
    workers: usize,
    store: String,
}

impl Run<'_> {
    /// Prints the banner and serves `server` until Ctrl-C or SIGTERM.
    async fn serve<M: DemoStore>(
        self,
        server: OAuthServer<M>,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let addr = self.listener.local_addr()?;
        println!("listening on http://{addr}");
        println!(
            "issuer {}, {} worker thread(s), state {}; Ctrl-C to stop",
            server.config().issuer().unwrap_or(""),
            self.workers,
            self.store
        );
        println!();
        println!("Try it:");
        for line in curl_lines(self.config, self.local) {
            println!("{line}");
        }
        serve(self.listener, router(server), shutdown_signal()).await?;
        Ok(())
    }
}
