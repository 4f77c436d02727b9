//! The store conformance suite: what every persistent store must do, written once and run
//! against SQLite, PostgreSQL and Redis (tests/tests/store_{sqlite,postgres,redis}.rs). The
//! reference behaviour is `MemoryStore`'s.
//!
//! Each behaviour is an `async fn` taking a fresh [`Backend`] (its own file, schema or key
//! prefix); [`conformance_tests!`] turns the list into `#[tokio::test]`s.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::StatusCode;
use oauth2_server::{
    AccessTokenStore, AuthorizationCode, AuthorizationCodeStore, Client, ClientCredentialsStore,
    ClientSecret, ClientStore, CodeRedemption, GrantId, GrantType, Issued, NewTokens, OAuthModel,
    OAuthRequest, OAuthServer, PasswordStore, RefreshTokenStore, RevocationStore, Scope,
    ScopePolicy, Secret, Token, TokenGenerator, TokenHash,
};
use serde_json::Value;

pub type User = String;

pub const APP: &str = "app";
pub const APP_SECRET: &str = "app-secret";
pub const APP_REDIRECT: &str = "https://app.example/cb";
pub const RS: &str = "resource-server";
pub const RS_SECRET: &str = "rs-secret";
pub const USERNAME: &str = "alice";
pub const PASSWORD: &str = "wonderland";

/// Every capability, with `String` users: what a store must implement to be a model alone.
pub trait FullStore:
    OAuthModel<User = User>
    + ClientStore
    + AccessTokenStore<User>
    + AuthorizationCodeStore<User>
    + RefreshTokenStore<User>
    + RevocationStore<User>
    + PasswordStore<User>
    + ClientCredentialsStore<User>
    + ScopePolicy<User>
    + TokenGenerator<User>
    + Clone
{
}

impl<T> FullStore for T where
    T: OAuthModel<User = User>
        + ClientStore
        + AccessTokenStore<User>
        + AuthorizationCodeStore<User>
        + RefreshTokenStore<User>
        + RevocationStore<User>
        + PasswordStore<User>
        + ClientCredentialsStore<User>
        + ScopePolicy<User>
        + TokenGenerator<User>
        + Clone
{
}

/// One isolated backing (a file, a schema, a key prefix) of one store type.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + Sized + 'static {
    type Store: FullStore;
    /// A new handle on the same data with its own pool / connection manager (migrated).
    async fn open(&self) -> Self::Store;
    /// Registers a client.
    async fn add_client(&self, store: &Self::Store, client: Client);
    /// Registers a password user.
    async fn add_user(&self, store: &Self::Store, username: &str, password: &str, user: User);
    /// Makes client_credentials tokens of `client_id` carry `user`.
    async fn set_client_user(&self, store: &Self::Store, client_id: &str, user: User);
    /// `purge_expired()`, and the least it must report for `expired` dead entries (Redis
    /// expires keys itself and reports 0).
    async fn purge(&self, store: &Self::Store) -> u64;
    fn min_purged(&self, expired: u64) -> u64;
    /// Every stored row or key and value, as text (binary columns in lower-case hex).
    async fn raw_dump(&self) -> String;
    /// Drops the file / schema / keys.
    async fn cleanup(self);
}

/// Reads a required-service URL: `None` (with a note) to skip when the variable is unset,
/// unless `OAUTH2_SERVER_REQUIRE_SERVICES=1` makes a missing service a failure.
pub fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("OAUTH2_SERVER_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!("{var} is not set, and OAUTH2_SERVER_REQUIRE_SERVICES=1 requires it");
            }
            eprintln!("skipped: set {var} to run this test against a real service");
            None
        }
    }
}

/// A random lower-case suffix for schema names and key prefixes.
pub fn random_suffix() -> String {
    GrantId::generate().to_string()[..16].to_owned()
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn app_client() -> Client {
    Client::confidential(APP, ClientSecret::sha256(APP_SECRET))
        .redirect_uri(APP_REDIRECT)
        .grants([
            GrantType::AuthorizationCode,
            GrantType::ClientCredentials,
            GrantType::Password,
            GrantType::RefreshToken,
        ])
        .scopes("read write")
        .unwrap()
}

/// A resource server that introspects; its secret is plain in the builder (stored hashed).
pub fn rs_client() -> Client {
    Client::confidential(RS, ClientSecret::plain(RS_SECRET))
}

/// A migrated store with `app`, `resource-server` and alice.
pub async fn seeded<B: Backend>(b: &B) -> B::Store {
    let store = b.open().await;
    b.add_client(&store, app_client()).await;
    b.add_client(&store, rs_client()).await;
    b.add_user(&store, USERNAME, PASSWORD, USERNAME.to_owned()).await;
    store
}

/// Whole seconds: stores keep milliseconds.
fn at(offset_secs: i64) -> SystemTime {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    UNIX_EPOCH + Duration::from_secs((now + offset_secs) as u64)
}

fn token_data(expires_at: SystemTime, grant_id: Option<GrantId>) -> Token<User> {
    Token {
        client_id: Arc::from(APP),
        user: Some(USERNAME.to_owned()),
        scope: Scope::parse("read write").unwrap(),
        grant_id,
        issued_at: at(-10),
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

fn code(expires_at: SystemTime) -> Issued<AuthorizationCode<User>> {
    Issued {
        value: Secret::generate(),
        data: AuthorizationCode {
            client_id: Arc::from(APP),
            user: USERNAME.to_owned(),
            scope: Scope::parse("read").unwrap(),
            redirect_uri: Some(APP_REDIRECT.to_owned()),
            challenge: Some(oauth2_server::CodeChallenge {
                method: oauth2_server::PkceMethod::S256,
                challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(),
            }),
            grant_id: GrantId::generate(),
            issued_at: at(0),
            expires_at,
        },
    }
}

fn refresh_value(tokens: &NewTokens<User>) -> &str {
    tokens.refresh.as_ref().unwrap().value.expose()
}

pub async fn saved_access_token_is_found_by_its_value<B: Backend>(b: &B) {
    let store = b.open().await;
    let tokens = new_tokens(at(3600), true);
    store.save_token(&tokens).await.unwrap();
    let found = store.get_access_token(tokens.access.value.expose()).await.unwrap();
    assert_eq!(found, Some(tokens.access.data.clone()));
    let refresh = store.get_refresh_token(refresh_value(&tokens)).await.unwrap();
    assert_eq!(refresh, Some(tokens.refresh.as_ref().unwrap().data.clone()));
    assert_eq!(store.get_access_token("never-issued").await.unwrap(), None);
}

pub async fn client_credentials_token_without_user_or_grant_round_trips<B: Backend>(b: &B) {
    let store = b.open().await;
    let mut tokens = new_tokens(at(3600), false);
    tokens.access.data.user = None;
    tokens.access.data.grant_id = None;
    store.save_token(&tokens).await.unwrap();
    let found = store.get_access_token(tokens.access.value.expose()).await.unwrap();
    assert_eq!(found, Some(tokens.access.data.clone()));
}

pub async fn access_and_refresh_tokens_are_not_interchangeable<B: Backend>(b: &B) {
    let store = b.open().await;
    let tokens = new_tokens(at(3600), true);
    store.save_token(&tokens).await.unwrap();
    assert_eq!(store.get_access_token(refresh_value(&tokens)).await.unwrap(), None);
    assert_eq!(store.get_refresh_token(tokens.access.value.expose()).await.unwrap(), None);
}

pub async fn expired_tokens_are_not_returned<B: Backend>(b: &B) {
    let store = b.open().await;
    let tokens = new_tokens(at(-1), true);
    store.save_token(&tokens).await.unwrap();
    assert_eq!(store.get_access_token(tokens.access.value.expose()).await.unwrap(), None);
    assert_eq!(store.get_refresh_token(refresh_value(&tokens)).await.unwrap(), None);
}

pub async fn revoked_access_token_is_gone_and_reported_once<B: Backend>(b: &B) {
    let store = b.open().await;
    let tokens = new_tokens(at(3600), true);
    store.save_token(&tokens).await.unwrap();
    let value = tokens.access.value.expose();
    assert!(store.revoke_access_token(value).await.unwrap());
    assert!(!store.revoke_access_token(value).await.unwrap());
    assert_eq!(store.get_access_token(value).await.unwrap(), None);
    // Revoking an access token leaves its refresh token alone; a refresh token is not an
    // access token to revoke.
    assert!(store.get_refresh_token(refresh_value(&tokens)).await.unwrap().is_some());
    assert!(!store.revoke_access_token(refresh_value(&tokens)).await.unwrap());
}

pub async fn revoke_grant_removes_access_refresh_and_retired_tokens<B: Backend>(b: &B) {
    let store = b.open().await;
    let first = new_tokens(at(3600), true);
    let grant = first.access.data.grant_id.unwrap();
    store.save_token(&first).await.unwrap();
    // A rotation: the first refresh token is retired, a second pair joins the grant.
    assert!(store.revoke_refresh_token(refresh_value(&first)).await.unwrap());
    let mut second = new_tokens(at(3600), true);
    second.access.data.grant_id = Some(grant);
    second.refresh.as_mut().unwrap().data.grant_id = Some(grant);
    store.save_token(&second).await.unwrap();
    let other = new_tokens(at(3600), true);
    store.save_token(&other).await.unwrap();

    store.revoke_grant(grant).await.unwrap();
    for t in [&first, &second] {
        assert_eq!(store.get_access_token(t.access.value.expose()).await.unwrap(), None);
        assert_eq!(store.get_refresh_token(refresh_value(t)).await.unwrap(), None);
        assert_eq!(store.get_retired_refresh_token(refresh_value(t)).await.unwrap(), None);
    }
    assert!(store.get_access_token(other.access.value.expose()).await.unwrap().is_some());
    assert!(store.get_refresh_token(refresh_value(&other)).await.unwrap().is_some());
}

/// A replay can race the first redemption: tokens saved after their grant was revoked must not
/// become usable (the `revoke_grant` contract; RFC 6749 4.1.2).
pub async fn tokens_saved_after_their_grant_was_revoked_stay_unusable<B: Backend>(b: &B) {
    let store = b.open().await;
    let late = new_tokens(at(3600), true);
    let grant = late.access.data.grant_id.unwrap();
    store.revoke_grant(grant).await.unwrap();
    store.save_token(&late).await.unwrap();
    assert_eq!(store.get_access_token(late.access.value.expose()).await.unwrap(), None);
    assert_eq!(store.get_refresh_token(refresh_value(&late)).await.unwrap(), None);
    // Other grants, and tokens without a grant, are unaffected.
    let other = new_tokens(at(3600), true);
    store.save_token(&other).await.unwrap();
    assert!(store.get_access_token(other.access.value.expose()).await.unwrap().is_some());
}

pub async fn code_is_redeemed_once_then_replayed<B: Backend>(b: &B) {
    let store = b.open().await;
    let issued = code(at(300));
    store.save_authorization_code(issued.clone()).await.unwrap();
    let value = issued.value.expose();
    assert_eq!(
        store.take_authorization_code(value).await.unwrap(),
        CodeRedemption::Redeemed(issued.data.clone())
    );
    for _ in 0..2 {
        assert_eq!(
            store.take_authorization_code(value).await.unwrap(),
            CodeRedemption::Replayed { client_id: Arc::from(APP), grant_id: issued.data.grant_id }
        );
    }
    assert_eq!(
        store.take_authorization_code("never-issued").await.unwrap(),
        CodeRedemption::Unknown
    );
}

pub async fn expired_code_is_unknown<B: Backend>(b: &B) {
    let store = b.open().await;
    let issued = code(at(-1));
    store.save_authorization_code(issued.clone()).await.unwrap();
    assert_eq!(
        store.take_authorization_code(issued.value.expose()).await.unwrap(),
        CodeRedemption::Unknown
    );
}

pub async fn refresh_retirement_is_true_once_and_remembered<B: Backend>(b: &B) {
    let store = b.open().await;
    let tokens = new_tokens(at(3600), true);
    store.save_token(&tokens).await.unwrap();
    let value = refresh_value(&tokens);
    let before = SystemTime::now() - Duration::from_secs(1);
    assert!(store.revoke_refresh_token(value).await.unwrap());
    assert!(!store.revoke_refresh_token(value).await.unwrap());
    assert_eq!(store.get_refresh_token(value).await.unwrap(), None);
    let retired = store.get_retired_refresh_token(value).await.unwrap().expect("remembered");
    assert_eq!(retired.token, tokens.refresh.as_ref().unwrap().data);
    assert!(retired.retired_at >= before && retired.retired_at <= SystemTime::now());
    assert_eq!(store.get_retired_refresh_token("never-issued").await.unwrap(), None);
    // The access token of the pair is untouched by the rotation itself.
    assert!(store.get_access_token(tokens.access.value.expose()).await.unwrap().is_some());
}

pub async fn clients_round_trip_with_hashed_secrets<B: Backend>(b: &B) {
    let store = seeded(b).await;
    let app = store.get_client(APP).await.unwrap().expect("app is registered");
    assert_eq!(app.id(), APP);
    assert!(app.secret().unwrap().verify(APP_SECRET));
    assert!(!app.secret().unwrap().verify("wrong"));
    assert_eq!(app.registered_redirect_uris(), [APP_REDIRECT]);
    assert!(app.has_grant(&GrantType::RefreshToken));
    assert_eq!(app.allowed_scope().unwrap().as_str(), "read write");
    let rs = store.get_client(RS).await.unwrap().unwrap();
    assert!(rs.secret().unwrap().verify(RS_SECRET));
    assert!(matches!(rs.secret(), Some(ClientSecret::Sha256(_))), "plain secrets are hashed");
    assert!(store.get_client("nobody").await.unwrap().is_none());
    // Re-adding replaces.
    b.add_client(&store, Client::public(APP)).await;
    assert!(!store.get_client(APP).await.unwrap().unwrap().is_confidential());
}

pub async fn password_users_need_the_right_password<B: Backend>(b: &B) {
    let store = seeded(b).await;
    let client = app_client();
    assert_eq!(
        store.get_user(USERNAME, PASSWORD, &client).await.unwrap(),
        Some(USERNAME.to_owned())
    );
    assert_eq!(store.get_user(USERNAME, "wonderlan", &client).await.unwrap(), None);
    assert_eq!(store.get_user("bob", PASSWORD, &client).await.unwrap(), None);
}

pub async fn client_credentials_user_is_none_unless_set<B: Backend>(b: &B) {
    let store = seeded(b).await;
    assert_eq!(store.get_user_from_client(&app_client()).await.unwrap(), None);
    b.set_client_user(&store, APP, "service-account".to_owned()).await;
    assert_eq!(
        store.get_user_from_client(&app_client()).await.unwrap(),
        Some("service-account".to_owned())
    );
}

pub async fn purge_expired_keeps_live_entries<B: Backend>(b: &B) {
    let store = b.open().await;
    let dead = new_tokens(at(-5), true);
    store.save_token(&dead).await.unwrap();
    store.save_authorization_code(code(at(-5))).await.unwrap();
    let live = new_tokens(at(3600), true);
    store.save_token(&live).await.unwrap();
    let live_code = code(at(300));
    store.save_authorization_code(live_code.clone()).await.unwrap();
    let purged = b.purge(&store).await;
    assert!(purged >= b.min_purged(3), "purged {purged}");
    assert!(store.get_access_token(live.access.value.expose()).await.unwrap().is_some());
    assert!(store.get_refresh_token(refresh_value(&live)).await.unwrap().is_some());
    assert!(matches!(
        store.take_authorization_code(live_code.value.expose()).await.unwrap(),
        CodeRedemption::Redeemed(_)
    ));
}

pub async fn data_survives_a_new_connection<B: Backend>(b: &B) {
    let first = seeded(b).await;
    let tokens = new_tokens(at(3600), true);
    first.save_token(&tokens).await.unwrap();
    drop(first);
    let second = b.open().await;
    assert!(second.get_access_token(tokens.access.value.expose()).await.unwrap().is_some());
    assert!(second.get_client(APP).await.unwrap().is_some());
}

/// Fires 50 redemptions of one code, alternating between two handles with their own pools /
/// connection managers: exactly one wins, every other one sees a replay.
pub async fn concurrent_code_redemptions_have_exactly_one_winner<B: Backend>(b: &B) {
    let a = b.open().await;
    let c = b.open().await;
    let issued = code(at(300));
    a.save_authorization_code(issued.clone()).await.unwrap();
    let value = issued.value.expose().to_owned();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { c.clone() };
            let value = value.clone();
            tokio::spawn(async move { store.take_authorization_code(&value).await.unwrap() })
        })
        .collect();
    let (mut redeemed, mut replayed) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            CodeRedemption::Redeemed(_) => redeemed += 1,
            CodeRedemption::Replayed { .. } => replayed += 1,
            CodeRedemption::Unknown => panic!("a racing redemption saw the code as unknown"),
        }
    }
    assert_eq!((redeemed, replayed), (1, 49));
}

/// 50 concurrent retirements of one refresh token through two handles: exactly one `true`.
pub async fn concurrent_refresh_rotations_have_exactly_one_winner<B: Backend>(b: &B) {
    let a = b.open().await;
    let c = b.open().await;
    let tokens = new_tokens(at(3600), true);
    a.save_token(&tokens).await.unwrap();
    let value = refresh_value(&tokens).to_owned();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { c.clone() };
            let value = value.clone();
            tokio::spawn(async move { store.revoke_refresh_token(&value).await.unwrap() })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        winners += usize::from(t.await.unwrap());
    }
    assert_eq!(winners, 1);
    assert!(a.get_retired_refresh_token(&value).await.unwrap().is_some());
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

fn as_client(id: &str, secret: &str, body: String) -> OAuthRequest {
    OAuthRequest::post_form(body).with_header("authorization", &basic(id, secret))
}

fn json(resp: &oauth2_server::OAuthResponse) -> Value {
    serde_json::from_str(resp.body_str()).unwrap_or(Value::Null)
}

fn str_of(body: &Value, field: &str) -> String {
    body[field].as_str().unwrap_or_else(|| panic!("no {field:?} in {body}")).to_owned()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| v.replace("%2F", "/").replace("%2B", "+").replace("%3D", "="))
    })
}

/// A server over `store` with every grant, revocation and introspection.
pub fn server<S: FullStore>(store: S) -> OAuthServer<S>
where
    S::User: oauth2_server::UserClaims,
{
    OAuthServer::builder(store)
        .authorization_code()
        .client_credentials()
        .password()
        .refresh_token()
        .revocation()
        .introspection()
        .issuer("https://as.example")
        .build()
        .unwrap()
}

/// authorize -> approve -> token -> /protected -> refresh (rotation, reuse detection) ->
/// revoke -> introspect, over any model.
pub async fn run_full_flow<M>(server: &OAuthServer<M>)
where
    M: oauth2_server::CoreModel<User = User>,
{
    // Authorization request for app, approved by alice.
    let pending = server
        .authorize(&OAuthRequest::get(
            "response_type=code&client_id=app&state=s1&scope=read+write".to_owned(),
        ))
        .await
        .unwrap_or_else(|e| panic!("authorization request refused: {e}"));
    let resp = server.approve(pending, USERNAME.to_owned()).await.expect("approve");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let code = query_param(resp.location().unwrap(), "code").expect("a code");

    // Token.
    let resp = server
        .token_response(&as_client(
            APP,
            APP_SECRET,
            format!("grant_type=authorization_code&code={code}"),
        ))
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", resp.body_str());
    let body = json(&resp);
    let access = str_of(&body, "access_token");
    let refresh = str_of(&body, "refresh_token");
    assert_eq!(body["scope"], "read write");
    let bearer =
        |t: &str| OAuthRequest::get("").with_header("authorization", &format!("Bearer {t}"));
    let who = server.authenticate(&bearer(&access), None).await.expect("the token authenticates");
    assert_eq!(who.user().map(String::as_str), Some(USERNAME));

    // The code is single-use: replaying it is refused and revokes the grant's tokens.
    let replay = server
        .token_response(&as_client(
            APP,
            APP_SECRET,
            format!("grant_type=authorization_code&code={code}"),
        ))
        .await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(server.authenticate(&bearer(&access), None).await.is_err(), "replay revoked the grant");

    // A fresh grant via the password grant, then refresh rotation.
    let body = json(
        &server
            .token_response(&as_client(
                APP,
                APP_SECRET,
                "grant_type=password&username=alice&password=wonderland&scope=read".to_owned(),
            ))
            .await,
    );
    let refresh = {
        let _ = refresh;
        str_of(&body, "refresh_token")
    };
    let resp = server
        .token_response(&as_client(
            APP,
            APP_SECRET,
            format!("grant_type=refresh_token&refresh_token={refresh}"),
        ))
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{}", resp.body_str());
    let rotated = json(&resp);
    let access2 = str_of(&rotated, "access_token");
    let refresh2 = str_of(&rotated, "refresh_token");
    assert_ne!(refresh2, refresh, "refresh tokens rotate");
    assert!(server.authenticate(&bearer(&access2), None).await.is_ok());

    // Introspection by the resource server.
    let introspect = |t: &str| as_client(RS, RS_SECRET, format!("token={t}"));
    let body = json(&server.introspect_response(&introspect(&access2)).await);
    assert_eq!(body["active"], true, "{body}");
    assert_eq!(body["client_id"], APP);
    assert_eq!(body["username"], USERNAME);

    // Revocation by the client; the token then introspects inactive.
    let resp =
        server.revoke_response(&as_client(APP, APP_SECRET, format!("token={access2}"))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(server.authenticate(&bearer(&access2), None).await.is_err());
    let body = json(&server.introspect_response(&introspect(&access2)).await);
    assert_eq!(body, serde_json::json!({"active": false}));

    // Client credentials.
    let body = json(
        &server
            .token_response(&as_client(
                APP,
                APP_SECRET,
                "grant_type=client_credentials&scope=read".to_owned(),
            ))
            .await,
    );
    let cc = str_of(&body, "access_token");
    assert!(server.authenticate(&bearer(&cc), None).await.is_ok());
}

pub async fn full_oauth_flow_over_the_store<B: Backend>(b: &B) {
    let store = seeded(b).await;
    run_full_flow(&server(store)).await;
}

/// Issues tokens and a code through the server, then reads every raw row / key: no token or
/// code value may appear, while their SHA-256 does (which shows the dump is complete).
pub async fn only_hashes_of_token_and_code_values_are_at_rest<B: Backend>(b: &B) {
    let store = seeded(b).await;
    let server = server(store);
    let body = json(
        &server
            .token_response(&as_client(
                APP,
                APP_SECRET,
                "grant_type=password&username=alice&password=wonderland".to_owned(),
            ))
            .await,
    );
    let access = str_of(&body, "access_token");
    let refresh = str_of(&body, "refresh_token");
    let pending = server
        .authorize(&OAuthRequest::get("response_type=code&client_id=app&state=s".to_owned()))
        .await
        .unwrap();
    let resp = server.approve(pending, USERNAME.to_owned()).await.unwrap();
    let code = query_param(resp.location().unwrap(), "code").unwrap();

    let dump = b.raw_dump().await;
    for (what, value) in [("access token", &access), ("refresh token", &refresh), ("code", &code)] {
        assert!(!dump.contains(value.as_str()), "the {what} value is stored in the clear");
        assert!(
            dump.contains(&TokenHash::of(value).to_hex()),
            "the {what}'s SHA-256 is not in the dump: is the dump complete?"
        );
    }
    for secret in [APP_SECRET, RS_SECRET, PASSWORD] {
        assert!(!dump.contains(secret), "a secret is stored in the clear");
    }
}

pub async fn migrate_is_idempotent<B: Backend>(b: &B) {
    // `open` migrates; opening again migrates again over the same data.
    let first = seeded(b).await;
    let second = b.open().await;
    assert!(second.get_client(APP).await.unwrap().is_some());
    drop(first);
}

/// One `#[tokio::test]` per behaviour, each over a fresh backend from `$make` (an async fn
/// returning `Option<Backend>`; `None` skips).
#[macro_export]
macro_rules! conformance_tests {
    ($make:path) => {
        $crate::conformance_tests!(@each $make:
            saved_access_token_is_found_by_its_value,
            client_credentials_token_without_user_or_grant_round_trips,
            access_and_refresh_tokens_are_not_interchangeable,
            expired_tokens_are_not_returned,
            revoked_access_token_is_gone_and_reported_once,
            revoke_grant_removes_access_refresh_and_retired_tokens,
            tokens_saved_after_their_grant_was_revoked_stay_unusable,
            code_is_redeemed_once_then_replayed,
            expired_code_is_unknown,
            refresh_retirement_is_true_once_and_remembered,
            clients_round_trip_with_hashed_secrets,
            password_users_need_the_right_password,
            client_credentials_user_is_none_unless_set,
            purge_expired_keeps_live_entries,
            data_survives_a_new_connection,
            concurrent_code_redemptions_have_exactly_one_winner,
            concurrent_refresh_rotations_have_exactly_one_winner,
            full_oauth_flow_over_the_store,
            only_hashes_of_token_and_code_values_are_at_rest,
            migrate_is_idempotent
        );
    };
    (@each $make:path: $($name:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(backend) = $make().await else { return };
                store_conformance::$name(&backend).await;
                store_conformance::Backend::cleanup(backend).await;
            }
        )*
    };
}
