// Jest mock of lightning/messageService: publish and subscribe really route messages between subscribers of
// the same channel, and every call is a jest.fn() to assert on.
const subscribers = new Map();

export const APPLICATION_SCOPE = Symbol('APPLICATION_SCOPE');
export const MessageContext = jest.fn();
export const createMessageContext = jest.fn(() => ({ context: true }));
export const releaseMessageContext = jest.fn();

export const publish = jest.fn((context, channel, message) => {
    for (const listener of subscribers.get(channel) || []) listener(message);
});

export const subscribe = jest.fn((context, channel, listener) => {
    if (!subscribers.has(channel)) subscribers.set(channel, new Set());
    subscribers.get(channel).add(listener);
    return { channel, listener };
});

export const unsubscribe = jest.fn((subscription) => {
    if (subscription && subscribers.has(subscription.channel)) {
        subscribers.get(subscription.channel).delete(subscription.listener);
    }
});

export function resetSubscribers() {
    subscribers.clear();
}
