export { AuditorAccess, type AuditorAccessProps } from './auditor-access.js';
export { BreachAlertTopics, type BreachAlertTopicsProps } from './breach-alert-topics.js';
export { BreachRegister, type BreachRegisterProps } from './breach-register.js';
export { BreachReporting, type BreachReportingProps } from './breach-reporting.js';
export { OperationalAlarms, type OperationalAlarmsProps } from './operational-alarms.js';
