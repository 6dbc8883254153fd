/**
 * Operators' controls of a running job: pause, resume and throttle, kept in the control table that
 * every process of the job reads before it claims a chunk, the token that guards them, replica-lag
 * watching, and the registry of the processes working on the job.
 */
package io.tsmigrator.control;
