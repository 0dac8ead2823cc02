import { InputError } from '@backstage/errors';
import protobuf from 'protobufjs';

/**
 * OTLP/HTTP in its binary protobuf encoding (the default of the OTel
 * Collector's otlphttp exporter, Fluent Bit's opentelemetry output and the
 * SDKs' `-proto` exporters). The messages below are the subset of
 * opentelemetry-proto's logs service that a logs receiver reads, with the
 * field numbers of the OTLP specification (v1, stable). Fields a receiver
 * does not read are skipped by the decoder as unknown fields, which protobuf
 * allows, so newer senders still decode.
 *
 * Decoded messages are turned into OTLP's JSON mapping (camelCase names,
 * 64-bit integers as decimal strings, trace and span ids as hex), so one
 * parser (`parseOtlpLogs`) reads both encodings and rejects bad records the
 * same way.
 */
const OTLP_LOGS_PROTO = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message ScopeLogs {
  InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message ResourceLogs {
  Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ExportLogsPartialSuccess {
  int64 rejected_log_records = 1;
  string error_message = 2;
}
message ExportLogsServiceResponse {
  ExportLogsPartialSuccess partial_success = 1;
}
// google.rpc.Status: the body of an OTLP/HTTP error response.
message Status {
  int32 code = 1;
  string message = 2;
}
`;

const root = protobuf.parse(OTLP_LOGS_PROTO, { keepCase: false }).root;
const Request = root.lookupType('opentelemetry.proto.ExportLogsServiceRequest');
const Response = root.lookupType(
  'opentelemetry.proto.ExportLogsServiceResponse',
);
const Status = root.lookupType('opentelemetry.proto.Status');

/** The Content-Type OTLP/HTTP uses for protobuf bodies. */
export const OTLP_PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

function hex(value: unknown): unknown {
  return typeof value === 'string'
    ? Buffer.from(value, 'base64').toString('hex')
    : value;
}

/**
 * Decodes an ExportLogsServiceRequest into OTLP's JSON mapping. A body that
 * is not a valid message as a whole is an InputError naming where decoding
 * stopped; records that decode but hold bad values are left to the parser,
 * which rejects them one by one.
 */
export function decodeOtlpLogsProtobuf(body: Buffer): unknown {
  let message: protobuf.Message;
  try {
    message = Request.decode(body);
  } catch (error) {
    throw new InputError(
      `The body is not an OTLP ExportLogsServiceRequest in protobuf encoding: ${
        (error as Error).message
      }`,
    );
  }
  const json = Request.toObject(message, {
    longs: String,
    bytes: String,
    // Enums are plain numbers here; oneof fields only as the set member.
    defaults: false,
    arrays: false,
  }) as {
    resourceLogs?: Array<{
      scopeLogs?: Array<{ logRecords?: Array<Record<string, unknown>> }>;
    }>;
  };
  for (const resourceLogs of json.resourceLogs ?? []) {
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      for (const record of scopeLogs.logRecords ?? []) {
        // OTLP/JSON writes trace and span ids as hex, not base64.
        if ('traceId' in record) record.traceId = hex(record.traceId);
        if ('spanId' in record) record.spanId = hex(record.spanId);
      }
    }
  }
  return json;
}

/** An ExportLogsServiceResponse, with partialSuccess when records were rejected. */
export function encodeOtlpLogsResponse(partialSuccess?: {
  rejectedLogRecords: number;
  errorMessage: string;
}): Buffer {
  const message = Response.fromObject(
    partialSuccess ? { partialSuccess } : {},
  );
  return Buffer.from(Response.encode(message).finish());
}

/** A google.rpc.Status, the body OTLP/HTTP sends with 4xx and 5xx answers. */
export function encodeOtlpStatus(code: number, message: string): Buffer {
  return Buffer.from(
    Status.encode(Status.fromObject({ code, message })).finish(),
  );
}

/** Decodes a Status (for tests and for senders' error messages). */
export function decodeOtlpStatus(body: Uint8Array): {
  code: number;
  message: string;
} {
  const status = Status.toObject(Status.decode(body), { defaults: true });
  return { code: status.code, message: status.message };
}

/** Decodes a response (for tests). */
export function decodeOtlpLogsResponse(body: Uint8Array): {
  partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
} {
  return Response.toObject(Response.decode(body), { longs: String }) as {
    partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
  };
}
