import MTProto
import Telegram
import Testing

struct RPCErrorNameTests {
    @Test(arguments: [
        ("FLOOD_WAIT_17", RPCErrorName.floodWait, 17), ("SLOWMODE_WAIT_30", .slowModeWait, 30), ("PHONE_MIGRATE_2", .phoneMigrate, 2),
        ("FILE_MIGRATE_4", .fileMigrate, 4), ("FLOOD_PREMIUM_WAIT_5", .floodPremiumWait, 5), ("2FA_CONFIRM_WAIT_604800", .twoFactorConfirmWait, 604800),
        ("USER_MIGRATE_3", .userMigrate, 3), ("FLOOD_TEST_PHONE_WAIT_9", .floodTestPhoneWait, 9),
    ])
    func numberedNamesSplitIntoNameAndValue(message: String, name: RPCErrorName, value: Int) {
        let error: RPCError = RPCError(code: 420, message: message)
        #expect(error.is(name))
        #expect(error.errorName == name)
        #expect(error.value == value)
        #expect(error.errorName.rawValue + "_\(value)" == message)
    }

    @Test func waitsAndMigrationsAreReadOffTheValue() {
        #expect(RPCError(code: 420, message: "FLOOD_WAIT_17").retryAfter == .seconds(17))
        #expect(RPCError(code: 420, message: "SLOWMODE_WAIT_3").retryAfter == .seconds(3))
        #expect(RPCError(code: 400, message: "PEER_ID_INVALID").retryAfter == nil)
        #expect(RPCError(code: 303, message: "PHONE_MIGRATE_2").migrateTo == 2)
        #expect(RPCError(code: 303, message: "FILE_MIGRATE_4").migrateTo == 4)
        #expect(RPCError(code: 420, message: "FLOOD_WAIT_2").migrateTo == nil)
    }

    @Test func unknownNamesAreKeptAsOther() {
        let error: RPCError = RPCError(code: 400, message: "SOMETHING_NEW_AND_ODD")
        #expect(error.errorName == .other("SOMETHING_NEW_AND_ODD"))
        #expect(!error.is(.floodWait))
        #expect(RPCErrorName("PEER_ID_INVALID") == .peerIDInvalid)
        #expect(RPCErrorName("2FA_CONFIRM_WAIT") == .twoFactorConfirmWait)
    }

    @Test func patternMatchingReadsWell() {
        func classify(_ error: any Error) -> String {
            switch error {
            case let e as RPCError where e.is(.floodWait): return "wait \(e.value ?? 0)"
            case let e as RPCError where e.errorName == .usernameNotOccupied: return "nobody"
            case let e as RPCError where e.isTransient: return "again"
            default: return "other"
            }
        }
        #expect(classify(RPCError(code: 420, message: "FLOOD_WAIT_8")) == "wait 8")
        #expect(classify(RPCError(code: 400, message: "USERNAME_NOT_OCCUPIED")) == "nobody")
        #expect(classify(RPCError(code: 500, message: "RPC_CALL_FAIL")) == "again")
        #expect(classify(RPCError(code: -503, message: "Timeout")) == "again")
        #expect(classify(RPCError(code: 400, message: "MESSAGE_EMPTY")) == "other")
    }
}
