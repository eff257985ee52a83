/** The inference service's clock is the shared one; this path stays for the service's many importers. */
export { SYSTEM_CLOCK, type Clock } from '../../core/clock.ts';
