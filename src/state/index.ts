/** @module The embedded state store: history kept as one JSON file per record under a directory (docs/drill.md). */
export { listRecords, newRecordId, saveRecord, type RecordListing, type RecordParser, type StoredRecord, type UnreadableRecord } from "./records.js";
