import Foundation

/// A blocking FIFO of bounded capacity between one producer thread and one consumer thread
/// (ingest's parser and writer, the two halves of a parallel export).
///
/// `@unchecked Sendable`: every stored property is read and written only while holding
/// `condition`'s lock.
public final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private let capacity: Int
    private var closed = false

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds an element, waiting while the queue is full; false when the queue was closed.
    public func put(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(element)
        condition.broadcast()
        return true
    }

    /// Removes the oldest element, waiting while the queue is empty; nil once closed and drained.
    public func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let element = items.removeFirst()
        condition.broadcast()
        return element
    }

    /// No more puts: consumers drain what is left, producers stop.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
