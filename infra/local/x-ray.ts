/**
 * X-Ray cannot be reached locally and Powertools' tracer is off outside Lambda, yet the X-Ray SDK's
 * default (automatic) mode installs an async hook (cls-hooked) that runs on every promise the process
 * makes: a fifth of the local runtime's CPU. Manual mode installs none, and nothing here reads its
 * context. Imported by the local system before anything loads the SDK (ES modules run in import order).
 */
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
