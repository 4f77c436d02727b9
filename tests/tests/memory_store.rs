//! `MemoryStore`: expiry, atomic code consumption, one-shot refresh revocation.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::*;
use oauth2_server::{
    AccessTokenStore, AuthorizationCode, AuthorizationCodeStore, ClientStore, CodeRedemption,
    GrantId, Issued, NewTokens, RefreshTokenStore, Scope, Secret, Token,
};

fn token_data(expires_at: SystemTime, grant_id: Option<GrantId>) -> Token<User> {
    Token {
        client_id: Arc::from(APP),
        user: Some(USERNAME.to_owned()),
        scope: Scope::parse("read").unwrap(),
        grant_id,
        issued_at: SystemTime::now() - Duration::from_secs(10),
        expires_at,
    }
}

fn new_tokens(expires_at: SystemTime, with_refresh: bool) -> NewTokens<User> {
    let grant = Some(GrantId::generate());
    NewTokens {
        access: Issued { value: Secret::generate(), data: token_data(expires_at, grant) },
        refresh: with_refresh
            .then(|| Issued { value: Secret::generate(), data: token_data(expires_at, grant) }),
    }
}

fn past() -> SystemTime {
    SystemTime::now() - Duration::from_secs(1)
}

fn future() -> SystemTime {
    SystemTime::now() + Duration::from_secs(3600)
}

fn code(expires_at: SystemTime) -> Issued<AuthorizationCode<User>> {
    Issued {
        value: Secret::generate(),
        data: AuthorizationCode {
            client_id: Arc::from(APP),
            user: USERNAME.to_owned(),
            scope: Scope::parse("read").unwrap(),
            redirect_uri: None,
            challenge: None,
            grant_id: GrantId::generate(),
            issued_at: SystemTime::now(),
            expires_at,
        },
    }
}

#[tokio::test]
async fn saved_access_token_is_found_by_its_value() {
    let store = store();
    let tokens = new_tokens(future(), false);
    store.save_token(&tokens).await.unwrap();
    let found = store.get_access_token(tokens.access.value.expose()).await.unwrap();
    assert_eq!(found, Some(tokens.access.data.clone()));
}

#[tokio::test]
async fn expired_access_token_is_not_returned() {
    let store = store();
    let tokens = new_tokens(past(), false);
    store.save_token(&tokens).await.unwrap();
    assert_eq!(store.get_access_token(tokens.access.value.expose()).await.unwrap(), None);
}

#[tokio::test]
async fn expired_refresh_token_is_not_returned() {
    let store = store();
    let tokens = new_tokens(past(), true);
    store.save_token(&tokens).await.unwrap();
    let refresh = tokens.refresh.as_ref().unwrap().value.expose();
    assert_eq!(store.get_refresh_token(refresh).await.unwrap(), None);
}

#[tokio::test]
async fn purge_expired_removes_expired_tokens_only() {
    let store = store();
    for _ in 0..5 {
        store.save_token(&new_tokens(past(), true)).await.unwrap();
    }
    let live = new_tokens(future(), true);
    store.save_token(&live).await.unwrap();
    assert_eq!(store.access_token_count(), 6);
    assert_eq!(store.purge_expired(), 10);
    assert_eq!(store.access_token_count(), 1);
    assert_eq!(store.refresh_token_count(), 1);
    assert!(store.get_access_token(live.access.value.expose()).await.unwrap().is_some());
}

#[tokio::test]
async fn purge_expired_removes_expired_codes() {
    let store = store();
    store.save_authorization_code(code(past())).await.unwrap();
    let live = code(future());
    store.save_authorization_code(live.clone()).await.unwrap();
    assert_eq!(store.purge_expired(), 1);
    let taken = store.take_authorization_code(live.value.expose()).await.unwrap();
    assert!(matches!(taken, CodeRedemption::Redeemed(_)));
}

#[tokio::test]
async fn take_authorization_code_redeems_once_then_reports_replay() {
    let store = store();
    let c = code(future());
    store.save_authorization_code(c.clone()).await.unwrap();
    let first = store.take_authorization_code(c.value.expose()).await.unwrap();
    assert_eq!(first, CodeRedemption::Redeemed(c.data.clone()));
    let second = store.take_authorization_code(c.value.expose()).await.unwrap();
    assert_eq!(
        second,
        CodeRedemption::Replayed { client_id: Arc::from(APP), grant_id: c.data.grant_id }
    );
}

#[tokio::test]
async fn expired_code_is_unknown() {
    let store = store();
    let c = code(past());
    store.save_authorization_code(c.clone()).await.unwrap();
    let taken = store.take_authorization_code(c.value.expose()).await.unwrap();
    assert_eq!(taken, CodeRedemption::Unknown);
}

#[tokio::test]
async fn unknown_code_is_unknown() {
    let store = store();
    assert_eq!(store.take_authorization_code("nope").await.unwrap(), CodeRedemption::Unknown);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn take_authorization_code_is_atomic_under_concurrency() {
    let store = Arc::new(store());
    let c = code(future());
    store.save_authorization_code(c.clone()).await.unwrap();
    let value = c.value.expose().to_owned();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let store = store.clone();
            let value = value.clone();
            tokio::spawn(async move { store.take_authorization_code(&value).await.unwrap() })
        })
        .collect();
    let mut redeemed = 0;
    for task in tasks {
        match task.await.unwrap() {
            CodeRedemption::Redeemed(_) => redeemed += 1,
            CodeRedemption::Replayed { .. } => {}
            CodeRedemption::Unknown => panic!("a live code was reported unknown"),
        }
    }
    assert_eq!(redeemed, 1);
}

#[tokio::test]
async fn revoke_refresh_token_is_true_exactly_once() {
    let store = store();
    let tokens = new_tokens(future(), true);
    store.save_token(&tokens).await.unwrap();
    let refresh = tokens.refresh.as_ref().unwrap().value.expose();
    assert!(store.revoke_refresh_token(refresh).await.unwrap());
    assert!(!store.revoke_refresh_token(refresh).await.unwrap());
    assert_eq!(store.get_refresh_token(refresh).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revoke_refresh_token_is_true_once_under_concurrency() {
    let store = Arc::new(store());
    let tokens = new_tokens(future(), true);
    store.save_token(&tokens).await.unwrap();
    let refresh = tokens.refresh.as_ref().unwrap().value.expose().to_owned();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let store = store.clone();
            let refresh = refresh.clone();
            tokio::spawn(async move { store.revoke_refresh_token(&refresh).await.unwrap() })
        })
        .collect();
    let mut revoked = 0;
    for task in tasks {
        revoked += usize::from(task.await.unwrap());
    }
    assert_eq!(revoked, 1);
}

#[tokio::test]
async fn revoke_grant_revokes_its_access_and_refresh_tokens() {
    let store = store();
    let tokens = new_tokens(future(), true);
    let other = new_tokens(future(), true);
    store.save_token(&tokens).await.unwrap();
    store.save_token(&other).await.unwrap();
    store.revoke_grant(tokens.access.data.grant_id.unwrap()).await.unwrap();
    assert_eq!(store.get_access_token(tokens.access.value.expose()).await.unwrap(), None);
    let refresh = tokens.refresh.as_ref().unwrap().value.expose();
    assert_eq!(store.get_refresh_token(refresh).await.unwrap(), None);
    assert!(store.get_access_token(other.access.value.expose()).await.unwrap().is_some());
}

#[tokio::test]
async fn tokens_are_not_kept_by_value() {
    // Stored by hash: a lookup by the hash string itself finds nothing.
    let store = store();
    let tokens = new_tokens(future(), false);
    store.save_token(&tokens).await.unwrap();
    let hash = tokens.access.value.hash().to_hex();
    assert_eq!(store.get_access_token(&hash).await.unwrap(), None);
}

#[tokio::test]
async fn add_client_replaces_a_client_with_the_same_id() {
    let store = store();
    store.add_client(app_client().scopes("read").unwrap());
    let client = store.get_client(APP).await.unwrap().unwrap();
    assert_eq!(client.allowed_scope().unwrap().as_str(), "read");
}
