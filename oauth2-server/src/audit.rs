//! Audit events: what an operator watches to see attacks. Register an [`AuditSink`] with
//! [`ServerBuilder::audit`](crate::ServerBuilder::audit); without one, nothing is recorded.

use crate::token::GrantId;

/// An outcome worth recording. Events never carry token, code or secret values.
///
/// | event | [`name`](AuditEvent::name) | when |
/// |---|---|---|
/// | [`TokenIssued`](AuditEvent::TokenIssued) | `token.issued` | a token request succeeded |
/// | [`CodeConsumed`](AuditEvent::CodeConsumed) | `code.consumed` | an authorization code was redeemed |
/// | [`CodeReplayDetected`](AuditEvent::CodeReplayDetected) | `code.replay_detected` | a used code came back; its grant was revoked (RFC 6749 4.1.2) |
/// | [`RefreshFamilyRevoked`](AuditEvent::RefreshFamilyRevoked) | `refresh.family_revoked` | a rotated-out refresh token came back; its grant was revoked (RFC 9700 4.14.2) |
/// | [`TokenRevoked`](AuditEvent::TokenRevoked) | `token.revoked` | a client revoked a token (RFC 7009) |
/// | [`ClientAuthenticationFailed`](AuditEvent::ClientAuthenticationFailed) | `client.authentication_failed` | unknown client, wrong or missing secret |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditEvent<'a> {
    /// A token request succeeded.
    TokenIssued {
        /// The client.
        client_id: &'a str,
        /// The `grant_type` used.
        grant_type: &'a str,
        /// The grant (family) of the tokens, if any.
        grant_id: Option<GrantId>,
    },
    /// An authorization code was redeemed.
    CodeConsumed {
        /// The client.
        client_id: &'a str,
        /// The grant the code started.
        grant_id: GrantId,
    },
    /// A used authorization code was presented again by its client; the grant was revoked.
    CodeReplayDetected {
        /// The client.
        client_id: &'a str,
        /// The revoked grant.
        grant_id: GrantId,
    },
    /// A rotated-out refresh token was presented again; the grant was revoked.
    RefreshFamilyRevoked {
        /// The client.
        client_id: &'a str,
        /// The revoked grant.
        grant_id: GrantId,
    },
    /// A client revoked one of its tokens.
    TokenRevoked {
        /// The client.
        client_id: &'a str,
        /// `access_token` or `refresh_token`.
        token_type: &'static str,
    },
    /// Client authentication failed.
    ClientAuthenticationFailed {
        /// The client id presented, if any.
        client_id: Option<&'a str>,
        /// Why, in a few words.
        reason: &'static str,
    },
}

impl AuditEvent<'_> {
    /// The stable event name, e.g. `code.replay_detected`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::TokenIssued { .. } => "token.issued",
            Self::CodeConsumed { .. } => "code.consumed",
            Self::CodeReplayDetected { .. } => "code.replay_detected",
            Self::RefreshFamilyRevoked { .. } => "refresh.family_revoked",
            Self::TokenRevoked { .. } => "token.revoked",
            Self::ClientAuthenticationFailed { .. } => "client.authentication_failed",
        }
    }
}

/// Receives [`AuditEvent`]s, synchronously, on the request's task: keep it cheap (push to a
/// channel or a logger).
pub trait AuditSink: Send + Sync + 'static {
    /// Records one event.
    fn record(&self, event: &AuditEvent<'_>);
}

impl<F: Fn(&AuditEvent<'_>) + Send + Sync + 'static> AuditSink for F {
    fn record(&self, event: &AuditEvent<'_>) {
        self(event)
    }
}
