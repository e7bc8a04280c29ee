//! Group commit: answers that arrive together are stored in one transaction.

/// Group commit for scan answers.
///
/// Answers queue here; a writer takes everything that has queued up (at most `MAX`) and
/// stores it in one transaction, and each caller hears back only after that commit, so an
/// acknowledged answer is on disk. One commit per batch instead of one per answer is what
/// makes SQLite's single writer fast; answers written together also share one transaction,
/// which says even less about who answered when. SQLite gets one writer (it has one write
/// lock anyway), PostgreSQL a few.
pub(crate) struct Batcher {
    queue: tokio::sync::mpsc::UnboundedSender<AnswerJob>,
}

type AnswerJob = (
    super::Submission,
    tokio::sync::oneshot::Sender<super::Result<super::SubmitOutcome>>,
);

impl Batcher {
    pub(crate) const MAX: usize = 128;

    pub(crate) fn start<W, F>(writers: usize, write: W) -> Batcher
    where
        W: Fn(Vec<super::Submission>) -> F + Send + Sync + 'static,
        F: std::future::Future<Output = super::Result<Vec<super::SubmitOutcome>>> + Send + 'static,
    {
        let (queue, receiver) = tokio::sync::mpsc::unbounded_channel::<AnswerJob>();
        let receiver = std::sync::Arc::new(tokio::sync::Mutex::new(receiver));
        let write = std::sync::Arc::new(write);
        for _ in 0..writers.max(1) {
            let receiver = receiver.clone();
            let write = write.clone();
            tokio::spawn(async move {
                loop {
                    let mut jobs = Vec::new();
                    {
                        let mut receiver = receiver.lock().await;
                        match receiver.recv().await {
                            Some(job) => jobs.push(job),
                            None => return,
                        }
                        while jobs.len() < Self::MAX {
                            match receiver.try_recv() {
                                Ok(job) => jobs.push(job),
                                Err(_) => break,
                            }
                        }
                    }
                    let (batch, replies): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
                    if batch.len() == 1 {
                        let outcome = write(batch)
                            .await
                            .map(|mut o| o.pop().unwrap_or(super::SubmitOutcome::Closed));
                        if let Some(reply) = replies.into_iter().next() {
                            let _ = reply.send(outcome);
                        }
                        continue;
                    }
                    match write(batch.clone()).await {
                        Ok(outcomes) => {
                            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                                let _ = reply.send(Ok(outcome));
                            }
                        }
                        // One answer that cannot be stored must not fail the others.
                        Err(_) => {
                            for (submission, reply) in batch.into_iter().zip(replies) {
                                let outcome = write(vec![submission])
                                    .await
                                    .map(|mut o| o.pop().unwrap_or(super::SubmitOutcome::Closed));
                                let _ = reply.send(outcome);
                            }
                        }
                    }
                }
            });
        }
        Batcher { queue }
    }

    pub(crate) async fn submit(
        &self,
        submission: super::Submission,
    ) -> super::Result<super::SubmitOutcome> {
        let stopped = || super::StorageError::Unsupported("the answer writer stopped");
        let (reply, outcome) = tokio::sync::oneshot::channel();
        self.queue
            .send((submission, reply))
            .map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}
