/**
 * `@switchboard/calendar`: reps' calendars as busy time, and meeting invites. Pure parsing
 * (`parseIcsBusy`, `parseFreeBusy`, `bookingInvite`) is kept apart from I/O (`fetchIcsFeed`
 * downloads an iCalendar feed, `readCalDavFreeBusy` asks a CalDAV server), so a caller can
 * store a feed's text and read it again without the network.
 */
export { parseIcsBusy, MAX_OCCURRENCES_PER_CALENDAR, MAX_OCCURRENCES_PER_EVENT, type ParseIcsBusyOptions } from './parse-ics-busy.ts';
export { parseFreeBusy, type ParseFreeBusyOptions } from './parse-free-busy.ts';
export { fetchIcsFeed, DEFAULT_FEED_MAX_BYTES, DEFAULT_FEED_TIMEOUT_MS, type FetchIcsFeedOptions, type IcsFeedResult } from './fetch-ics-feed.ts';
export { readCalDavFreeBusy, type ReadCalDavFreeBusyOptions } from './read-caldav-free-busy.ts';
export { bookingInvite, type BookingInviteInput, type InvitePerson } from './booking-invite.ts';
export { CalDavError, CalendarFeedError, CalendarProblem, type CalendarErrorDetails } from './errors.ts';
export { readCalendar, type CalendarRead, type ReadCalendarOptions } from './read-calendar.ts';
export { checkCalendarAddress, isPrivateAddress } from './address-guard.ts';
