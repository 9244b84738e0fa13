import ArgumentParser
import Foundation
import MTProto
import Telegram

/// A failure `tg` reports with its own exit status.
enum TGExit: Error {
    /// Bad input (a flag, a configuration value, an unparsable peer or text): status 2.
    case badInput(String)
}

/// Runs a command body and maps what it throws to the documented exit codes, printing one line on
/// standard error (without the configuration's secrets): 2 for bad input and unknown peers, 3 for a
/// flood wait above the threshold (the wait printed), 1 for everything else.
func runTG(secrets: () -> [String] = { [] }, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let (status, message): (Int32, String) = classify(error)
        var line: String = message.replacingOccurrences(of: "\n", with: " ")
        for secret in secrets() where !secret.isEmpty { line = line.replacingOccurrences(of: secret, with: "[redacted]") }
        FileHandle.standardError.write(Data("tg: \(line)\n".utf8))
        throw ExitCode(status)
    }
}

/// The exit status and the line for an error.
func classify(_ error: any Error) -> (Int32, String) {
    switch error {
    case TGExit.badInput(let message):
        return (2, message)
    case let failure as SessionStringError where failure != .noAuthKey:
        return (2, failure.description)
    case LoginError.inputUnavailable, LoginError.invalidBotToken:
        return (2, String(describing: error))
    case TelegramError.peerNotFound(let reference):
        return (2, "unknown peer \(reference)")
    case let rpc as RPCError:
        if let wait = rpc.retryAfter { return (3, "flood wait: \(wait.components.seconds) s before \(rpc.name) may be tried again") }
        let unknownPeer: [RPCErrorName] = [.usernameNotOccupied, .usernameInvalid, .phoneNotOccupied, .peerIDInvalid]
        if unknownPeer.contains(rpc.errorName) { return (2, "unknown peer: Telegram answered \(rpc.name)") }
        if rpc.is(.messageIDInvalid) || rpc.is(.msgIDInvalid) { return (2, "no such message: Telegram answered \(rpc.name)") }
        if rpc.is(.authKeyUnregistered) { return (1, "this session is not logged in: run tg login") }
        return (1, "Telegram answered \(rpc.code) \(rpc.name)")
    default:
        return (1, String(describing: error))
    }
}
