//! Audit events: what operators see, and that no secret is in them.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use http::StatusCode;
use oauth2_server::{AuditEvent, OAuthRequest};

type Log = Arc<Mutex<Vec<String>>>;

fn audited_server() -> (Server, Log) {
    let log: Log = Arc::default();
    let sink = log.clone();
    let server = builder(store())
        .revocation()
        .audit(move |e: &AuditEvent<'_>| sink.lock().unwrap().push(format!("{} {e:?}", e.name())))
        .build()
        .unwrap();
    (server, log)
}

fn names(log: &Log) -> Vec<String> {
    log.lock().unwrap().iter().map(|l| l.split(' ').next().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn code_replay_is_audited() {
    let (server, log) = audited_server();
    let code = app_code(&server).await;
    token_ok(&server, &app_code_request(&code)).await;
    token_err(&server, &app_code_request(&code), StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(names(&log), ["code.consumed", "token.issued", "code.replay_detected"]);
}

#[tokio::test]
async fn failed_client_authentication_is_audited_with_the_client_id() {
    let (server, log) = audited_server();
    let req = OAuthRequest::post_form("grant_type=client_credentials")
        .with_header("authorization", &basic(APP, "wrong-secret"));
    token_err(&server, &req, StatusCode::UNAUTHORIZED, "invalid_client").await;
    let lines = log.lock().unwrap().clone();
    assert_eq!(names(&log), ["client.authentication_failed"]);
    assert!(lines[0].contains("\"app\""), "{lines:?}");
    assert!(!lines[0].contains("wrong-secret"), "the secret leaked: {lines:?}");
}

#[tokio::test]
async fn revocation_is_audited() {
    let (server, log) = audited_server();
    let body = token_ok(&server, &app_request("grant_type=client_credentials")).await;
    let access = str_of(&body, "access_token");
    server.revoke_response(&app_request(&format!("token={access}"))).await;
    assert_eq!(names(&log), ["token.issued", "token.revoked"]);
    assert!(!log.lock().unwrap().iter().any(|l| l.contains(access)), "a token value leaked");
}

#[tokio::test]
async fn issued_token_event_names_the_grant_type() {
    let (server, log) = audited_server();
    token_ok(&server, &app_request("grant_type=client_credentials")).await;
    let lines = log.lock().unwrap().clone();
    assert!(lines[0].contains("grant_type: \"client_credentials\""), "{lines:?}");
}
