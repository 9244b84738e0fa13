/// How a ``TelegramClient`` runs its updates engine.
public struct UpdatesOptions: Sendable {
    /// Run the engine from ``TelegramClient/start(login:)``; without it, call
    /// ``TelegramClient/startUpdates(catchUp:)`` yourself (or never, to receive no updates).
    public var startsWithClient: Bool
    /// At start, fetch what was missed since the stored state (`updates.getDifference`); without
    /// it, the stored state is replaced by `updates.getState` and only newer updates arrive.
    public var catchUp: Bool
    /// Timings and bounds of the message box.
    public var limits: MessageBoxLimits
    /// Batches each subscription holds before the engine waits for its consumer.
    public var subscriptionCapacity: Int
    /// Inputs queued for the engine before they collapse into one difference.
    public var inboxCapacity: Int

    /// The defaults: started with the client, catching up, 1,024 batches per subscription, 4,096
    /// queued inputs.
    public init(
        startsWithClient: Bool = true, catchUp: Bool = true, limits: MessageBoxLimits = MessageBoxLimits(), subscriptionCapacity: Int = 1024,
        inboxCapacity: Int = 4096
    ) {
        self.startsWithClient = startsWithClient
        self.catchUp = catchUp
        self.limits = limits
        self.subscriptionCapacity = subscriptionCapacity
        self.inboxCapacity = inboxCapacity
    }
}
