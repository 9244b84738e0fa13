/// Identifies one request handed to ``SessionState``, for matching its outcome.
public typealias RequestToken = UInt64

/// Something the session learned from the server, for the client layer.
public enum SessionEvent: Sendable, Equatable {
    /// The answer to a request: the raw TL of its result (gzip already unwrapped), to be decoded with
    /// the method's result type.
    case result(RequestToken, [UInt8])
    /// The request failed with an `rpc_error`.
    case rpcError(RequestToken, RPCError)
    /// The request cannot complete (the server called it a client bug, or dropped it).
    case requestFailed(RequestToken, SessionFailure)
    /// A message that is not an answer: updates (`updates`, `updateShort*`, …).
    case updates([UInt8])
    /// The server created a new session for us (`new_session_created`): updates may have been missed.
    case newSessionCreated
    /// Salt or time offset changed (worth persisting).
    case parametersChanged
}

/// Why a request could not complete at the session level.
public enum SessionFailure: Error, Equatable, Sendable {
    /// A `bad_msg_notification` code that means a client bug (18, 19, 34, 35, 64).
    case badMessage(code: Int32)
    /// The server dropped the answer (`rpc_answer_dropped*`).
    case answerDropped
    /// Resent too often without an answer.
    case tooManyResends
}

/// Why a received packet was dropped (nothing from it was used).
public enum ReceiveError: Error, Equatable, Sendable {
    case envelope(EnvelopeError)
    /// Not our session id.
    case wrongSession(Int64)
    /// A server msg_id must be odd.
    case evenMessageID(Int64)
    /// A msg_id seen before, or older than everything remembered.
    case replayed(Int64)
    /// More than 300 s in the past or 30 s in the future of the server's time.
    case outsideTimeWindow(Int64)
    /// The body is not well-formed TL.
    case malformedBody(String)
}
