/** The operations topic the delivery check reports to; shared by the CDK construct that sets it and the handler. */
export const OPERATIONS_TOPIC_ENV = 'OPERATIONS_TOPIC_ARN';
