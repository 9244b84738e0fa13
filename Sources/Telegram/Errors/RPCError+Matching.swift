import MTProto

extension RPCError {
    /// The error's name as a typed value: `catch let e as RPCError where e.is(.floodWait)`, or
    /// `switch e.errorName { case .slowModeWait: … }`.
    public var errorName: RPCErrorName { RPCErrorName(name) }

    /// Whether the error has this name (its number aside): `FLOOD_WAIT_17` is `.floodWait`.
    public func `is`(_ name: RPCErrorName) -> Bool { errorName == name }

    /// How long the error asks to wait before trying again: the seconds of `FLOOD_WAIT_X`,
    /// `FLOOD_PREMIUM_WAIT_X`, `FLOOD_TEST_PHONE_WAIT_X`, `SLOWMODE_WAIT_X` and `2FA_CONFIRM_WAIT_X`;
    /// nil for every other error.
    public var retryAfter: Duration? {
        switch errorName {
        case .floodWait, .floodPremiumWait, .floodTestPhoneWait, .slowModeWait, .twoFactorConfirmWait: return .seconds(value ?? 0)
        default: return nil
        }
    }

    /// The DC a `*_MIGRATE_X` error sends the call to; nil for every other error.
    public var migrateTo: Int? {
        switch errorName {
        case .phoneMigrate, .fileMigrate, .userMigrate, .networkMigrate, .statsMigrate: return value
        default: return nil
        }
    }

    /// A server-side failure that says nothing about the request, so the same request may be sent
    /// again: code 500 (`INTERNAL`, `RPC_CALL_FAIL`, …), `-503` and `TIMEOUT`, and names ending in
    /// `_WORKER_BUSY_TOO_LONG_RETRY` ([errors](https://core.telegram.org/api/errors#500-internal)).
    public var isTransient: Bool {
        code == 500 || code == -503 || errorName == .timeout || errorName == .rpcCallFail || name.hasSuffix("_WORKER_BUSY_TOO_LONG_RETRY")
    }
}
