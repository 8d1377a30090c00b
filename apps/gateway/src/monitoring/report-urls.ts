/** Where the API serves a report (JSON; `.md` and `.png` beside it). */
export const driftReportUrl = (id: string): string => `/api/v1/drift/reports/${id}`;
export const comparisonReportUrl = (id: string): string => `/api/v1/comparisons/${id}`;
