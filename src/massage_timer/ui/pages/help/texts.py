"""The Help page's texts: the safety, nerve and prevention documents, the self-check and About.

The clinical text here comes from the app's one source, the article
"Massage for sciatica: 4 types of therapeutic massage for inflammation of the
sciatic nerve". Anything that is not from the article is labelled as general
guidance. The app guides a routine; it never diagnoses.

The long texts are static HTML written here (no user or file content); the
page shows them in views that never follow links or load remote resources.
"""

ARTICLE_TITLE = "Massage for sciatica: 4 types of therapeutic massage for inflammation of the sciatic nerve"

DISCLAIMER = (
    "Massage Timer guides massage routines step by step; it does not diagnose or treat and does not replace a doctor."
)

RED_FLAGS_TITLE = "General guidance — not from the article"
RED_FLAGS_TEXT = (
    "Seek medical care now if there is loss of bladder or bowel control, numbness in the "
    "saddle area (groin, buttocks, inner thighs), or leg weakness that gets worse quickly."
)

LOG_FOLDER_NOTE = (
    "The app's own log, for finding out what went wrong after a problem, is in {folder}. "
    "It holds events and errors only: no names, notes, pain ratings or protocol titles."
)

NANTES_MAIN = (
    "Pain in the area of innervation of the pudendal nerve: from the anus to the clitoris/head of the penis.",
    "The pain is felt worse when sitting.",
    "The pain does not cause awakenings at night.",
    "The pain is not accompanied by a decrease in tactile sensitivity.",
)
NANTES_ADDITIONAL = (
    "The pain is burning, shooting, stabbing, and may be accompanied by slight numbness.",
    "The pain worsens during the day and subsides after sleep.",
    "Mostly the pain appears on one side.",
    "Pain may be triggered by defecation.",
)
SELF_CHECK_ANY = (
    "These symptoms are worth discussing with a doctor. The article advises: "
    "if you notice these symptoms, consult a doctor immediately."
)
SELF_CHECK_NONE = "This checklist does not diagnose anything. If you have pain in this area, consult a doctor."

SAFETY_HTML = """
<h3>When massage is not used</h3>
<ul>
<li><b>During an exacerbation</b> (the acute stage), the article says, massage is not used.
A few lines later it says, “as already mentioned”, that the acute stage is a contraindication
for <b>therapeutic massage</b>, the intense kind (squeezing, rubbing, vibration). The app reads
the two together: it is therapeutic, intense massage that is not used during an exacerbation
(the app's reading; the article does not say it in one sentence).</li>
<li>In the acute stage a <b>relaxing massage</b> is the only thing you can do. The article also
finds <b>honey massage</b> acceptable in the acute stage, because it acts only on the skin,
without deeply affecting the muscles.</li>
<li><b>Therapeutic massage</b> (massotherapy) is much more intense. It is used only in remission,
in the absence of an exacerbation, and to prevent one, and should only be performed by a
specialist.</li>
<li><b>Cupping and acupressure:</b> the article does not say in which stage they may be used.
The app offers them for remission only. This is the app's reading of the rule above, not
something the article says.</li>
<li><b>Obvious contraindications:</b> purulent tissue lesions or skin diseases in the area
being massaged, and spinal injuries, which require caution and only a qualified approach
(depending on the doctor's indications).</li>
<li>During pain, avoid intense techniques: <b>vibration, tapping, strong rubbing</b>.
They only increase the spasm.</li>
<li>Any massage for sciatica is done with caution because the spinal cord is close to the
site of inflammation. Ideally even a relaxing massage is left to a professional; if there
are no contraindications or spinal injuries, loved ones can help with it at home.</li>
</ul>

<h3>Acupressure</h3>
<ul>
<li>A full acupressure massage, where you need to know well which point of the body is
responsible for what, should only be performed by a specialist so as not to cause harm.
The article says it is difficult to master and not suitable as self-treatment.</li>
<li>Stimulating the four standard points does no harm and can be used as self-help, the
article says. This is the app's acupressure routine.</li>
</ul>
<p><b>The specialist's procedure, as the article describes it.</b> For information only: it is
not a home routine, and the app does not guide it.</p>
<ol>
<li>First, the point of greatest pain is found by palpating (feeling with the fingers) along
the sciatic nerve.</li>
<li>That point and the whole painful area are massaged.</li>
<li>The buttocks are massaged.</li>
<li>Finally, the points of the bladder meridian are massaged.</li>
</ol>

<h3>Cupping</h3>
<ul>
<li>Do not use large jars: this can lead to injury. Do not use bottles instead of jars:
this will not help, it will only hurt.</li>
<li>For the “torch”, use only natural cotton wool and alcohol, never synthetic materials.</li>
<li>Moving cups may be a little painful, but should not hurt too much.</li>
</ul>

<h3>Honey massage</h3>
<ul>
<li>Use high-quality honey.</li>
<li>Patients report some pain: the hands stick to the skin during the pats. Do not overdo it
and listen to the person's feelings.</li>
</ul>

<h3>When to see a doctor</h3>
<p>The article names symptoms that point to a hernia, pinching or inflammation:</p>
<ul>
<li>decreased reflexes (Achilles, knee and plantar);</li>
<li>tingling and burning sensations in the leg;</li>
<li>weakness in the leg muscles and numbness of the limbs;</li>
<li>severe tingling pain.</li>
</ul>
<p>Before any treatment is prescribed, a specialist must find the cause of the discomfort,
and the doctor sets the treatment individually. Taking strong painkillers on their own is
not a treatment: they only relieve symptoms for a while, do not address the cause, and the
article calls this not effective and even dangerous. When there is inflammation, massage
is only an auxiliary method and drug treatment cannot be ignored.</p>
"""

NERVE_HTML = """
<h3>The sciatic nerve</h3>
<p>The sciatic nerve is the largest nerve in the human body, most often as thick as a thumb.
It runs from the waist to the knee, where it divides in two. Many small nerve endings leave
it; they serve the hip, the knee joint and the foot.</p>
<p><b>Sciatica</b> is a pain syndrome caused by inflammation of the sciatic nerve and/or
pinching of the roots coming from the spinal cord; it is located in the lumbar region.
When the nerve is pinched, pain passes through the hip joint into the leg and can cause
numbness. Massage is aimed at the area where the pinching occurred.</p>

<h3>Symptoms named in the article</h3>
<ul>
<li>acute pain in the buttocks (may get worse when sitting, coughing, sneezing);</li>
<li>shooting pains when standing up;</li>
<li>pain in the buttock radiating down the leg to the foot, sometimes more severe than in
the lower back;</li>
<li>numbness, burning, tingling and “goosebumps” in the leg.</li>
</ul>
<p>It is usually one-sided, but pain in both legs also occurs.</p>

<h3>Which part of the nerve</h3>
<ul>
<li><b>Upper</b> (funiculitis)</li>
<li><b>Medium</b> (plexitis)</li>
<li><b>Lower</b> (trunculitis)</li>
</ul>
<p>Depending on the part of the nerve involved, the arms or the legs are massaged in
addition to the back.</p>
"""

PREVENTION_HTML = """
<h3>Preventing a pinched sciatic nerve</h3>
<p>The article's simple rules:</p>
<ul>
<li>Lead a healthy lifestyle with adequate exercise.</li>
<li>Light running or swimming strengthen the muscle corset.</li>
<li>Keep your weight in check: excess weight strains the entire body.</li>
<li>Take care of your sleep: a good orthopedic mattress helps.</li>
<li>At the computer, watch your posture and lean on the back of your chair.</li>
<li>In sport, take the risks of each exercise into account and avoid exhausting exercises;
judge weights in the gym realistically.</li>
<li>When you lift something heavy at home, put the load on your legs, not your back.</li>
</ul>
<p>The article also names what can lead to pain: sudden lifting of weights, prolonged
stress on the spine (people who work with heavy loads are at risk), and a sedentary
lifestyle such as office work.</p>
"""

PEDAL_NOTE = (
    "While the Session page is shown, the session keys work wherever the focus is, so a USB foot "
    "pedal or a presenter clicker that sends keys (Space, Enter, Page Down and Page Up, "
    "the media keys) can drive a session while your hands are busy. To give an action "
    "another key, for example the F-key your pedal sends, use Settings → Keys and pedal."
)

SELF_CHECK_INTRO = (
    "The article lists the Nantes criteria: clinical criteria that suggest pudendal "
    "nerve neuropathy. Answer for yourself whether you have these symptoms. "
    "Nothing you tick here is saved."
)
SELF_CHECK_TESTS = "The article adds that a doctor can carry out special manual tests and electrophysiological studies."

APP_SUMMARY = "A guided, illustrated session timer for massage routines against sciatica."
