/**
 * Every problem a spec can have. Codes are stable (tests, the app and users' scripts may match
 * on them); messages are sentences that say what to change.
 */
export const SPEC_ERROR_CODES = [
  "empty_spec",
  "spec_too_large",
  "too_many_tasks",
  "yaml_syntax",
  "json_syntax",
  "not_a_task_list",
  "unknown_field",
  "missing_field",
  "wrong_type",
  "empty_id",
  "bad_id",
  "empty_title",
  "title_too_long",
  "control_character",
  "duplicate_id",
  "unknown_dependency",
  "self_dependency",
  "dependency_cycle",
  "empty_group",
  "unknown_group",
  "bad_group_name",
  "no_group",
  "missing_task_id",
  "description_too_large",
  "race_out_of_range",
  "bad_priority",
  "bad_field_value",
  "bad_spec_file",
  "too_many_spec_files",
  "spec_file_missing",
] as const;

export type SpecErrorCode = (typeof SPEC_ERROR_CODES)[number];

export interface SpecError {
  /** 1-based line in the text the person wrote (the issue body, or `file` when set). */
  line?: number;
  /** Repository path of the spec file the line is in; absent for the issue body itself. */
  file?: string;
  /** The task's id, or `#3` (its position) when it has no usable id. */
  task?: string;
  code: SpecErrorCode;
  message: string;
}
