// @salesforce/messageChannel/Switchboard_Call_State__c outside Salesforce: the channel's API name.
export default 'Switchboard_Call_State__c';
