// lightning/messageService outside Salesforce: the demo console has no Lightning Message Service, so the
// softphone's call-state channel publishes into the void (the softphone treats that as "LMS unavailable").
export function createMessageContext() {
    return {};
}

export function releaseMessageContext() {}

export function publish() {}

export function subscribe() {
    return null;
}

export function unsubscribe() {}

export const APPLICATION_SCOPE = 'APPLICATION_SCOPE';
