// A client typed from the served OpenAPI document (openapi-typescript writes ./api.d.ts next to
// this file; run.sh): paths, path and query parameters, request bodies and the answers' members
// (the named response schemas: VideoPage, Video, TranscriptUpload, SegmentPage) are checked by tsc,
// so a route renamed, a parameter dropped or a member renamed on the server breaks this file's
// type check. Then it runs:
// list the videos, create one (a typed JSON body), upload a WebVTT transcript to it, read its
// segments back.
import createClient from "openapi-fetch";
import type { paths } from "./api.js";

// The two members of Node's `process` used here, declared so the check needs no @types/node.
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

const baseUrl = process.env.NARRALYTICA_URL!;
const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${process.env.NARRALYTICA_TOKEN}` } });

function fail(what: string, detail: unknown): never {
  console.error(what, JSON.stringify(detail));
  process.exit(1);
}

const videos = await client.GET("/v1/videos", { params: { query: { limit: 10 } } });
if (videos.error || !videos.data) fail("list videos", videos.error);
const items = videos.data.items;
if (items.length === 0) fail("list videos: no video in the demo tenant", videos.data);

const created = await client.POST("/v1/videos", { body: { title: "Typed client", language: "en", duration_ms: 4000 } });
if (created.error || !created.data) fail("create video", created.error);
const video: string = created.data.id;

const vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ada>Typed clients catch drift.\n\n" +
            "00:00:02.000 --> 00:00:04.000\n<v Grace>Before the users do.\n";
const upload = await client.POST("/v1/videos/{id}/transcripts", {
  params: { path: { id: video }, query: { language: "en" } },
  body: vtt as unknown as Record<string, never>,  // the body is the file itself, sent as text/vtt
  bodySerializer: (body) => body as unknown as string,
  headers: { "Content-Type": "text/vtt" },
});
if (upload.error || !upload.data) fail("upload transcript", upload.error);
const transcript: string = upload.data.id;

const segments = await client.GET("/v1/transcripts/{id}/segments", { params: { path: { id: transcript } } });
if (segments.error || !segments.data) fail("read segments", segments.error);
const texts = segments.data.items.map((s) => s.text);
if (texts.length !== 2 || !texts[1].includes("Before the users do")) fail("segments read back", texts);
console.log(`${items.length} videos listed; video ${video}: transcript ${transcript} with ${texts.length} segments`);
