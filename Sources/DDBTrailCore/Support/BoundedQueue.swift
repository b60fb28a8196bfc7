import Foundation

/// A bounded hand-off between the reading thread and the writing thread, so memory stays bounded
/// however far reading runs ahead. What the consumer is done with can be handed back
/// (`giveBack`), so that it is freed on the producer's thread: freeing parsed records took about 6%
/// of the writing thread's time in a profile.
///
/// `consumerIsBehind` tells either side which one is slower, so that work either thread can do goes to
/// the one with time to spare: a full queue means the consumer is behind, an empty one that the
/// producer is. Which side is slower depends on the machine and the evidence (both threads were
/// each the limit on this project's benchmark at some point).
final class BoundedQueue<Element>: @unchecked Sendable {
    private var items: [Element?] = []
    private var spent: [Element] = []
    private var head = 0
    private let capacity: Int
    private let condition = NSCondition()
    private var closed = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// True while the consumer is the slower side (the queue is at least half full).
    var consumerIsBehind: Bool {
        condition.lock()
        defer { condition.unlock() }
        return (items.count - head) * 2 >= capacity
    }

    /// False when the consumer gave up; the producer should stop.
    @discardableResult
    func put(_ item: Element) -> Bool {
        dropSpent()
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Nil once the producer closed the queue and everything was taken.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head == 0 && !closed { condition.wait() }
        guard items.count - head > 0 else { return nil }
        let item = items[head]
        items[head] = nil
        head += 1
        if head > 64 { items.removeFirst(head); head = 0 }
        condition.broadcast()
        return item
    }

    /// Everything there is now, without waiting (nothing when the queue is empty).
    func takeAvailable() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        let available = items[head...].compactMap { $0 }
        items.removeAll(keepingCapacity: true)
        head = 0
        condition.broadcast()
        return available
    }

    /// Hands back a taken element; the producer frees it when it next puts.
    func giveBack(_ item: Element) {
        condition.lock()
        spent.append(item)
        condition.unlock()
    }

    private func dropSpent() {
        condition.lock()
        let dropped = spent
        spent = []
        condition.unlock()
        withExtendedLifetime(dropped) {}
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs `body` on its own thread; `finish()` waits for it.
final class ProducerThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let body: () -> Void

    init(_ body: @escaping () -> Void) { self.body = body }

    func start() {
        let thread = Thread { [self] in
            body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private var finished = false
    /// Waits for the thread to end; later calls return at once (an error after the wait, such as
    /// a full disk at the last commit, finishes again on its way out).
    func finish() {
        guard !finished else { return }
        done.wait()
        finished = true
    }
}
